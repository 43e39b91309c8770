import type { Feature } from '../platform/feature'
import { usageRoutes } from './routes'
import { deleteUsageData } from './cleanup'
import { configureMeter } from './quota'

// The usage feature's public entry (CONTRACTS.md): the meter, quota calls other features use, and the
// Feature object the registry composes. Other features import from here only.
export { UsageMeter } from './meter'
export { consumeQuota, releaseQuota, readQuota, configureMeter } from './quota'
export { meter, requireApiKey, apiError, quotaExceeded } from './middleware'
export type { Metric, QuotaItem, QuotaResult, QuotaDenial, MetricUsage, QuotaLimits } from './metrics'

export const usageFeature: Feature = {
  name: 'usage',
  routes: usageRoutes,
  // Bearer keys only, no cookies: a cross-site page cannot attach an Authorization header (checklist 14).
  csrfExemptPaths: ['/api/v1/*'],
  durableObjects: ['UsageMeter'],
  accountCleanups: [deleteUsageData],
  on: {
    // A checkout, plan change, cancellation or lapse: the meter's limits move at once (ADR 0041).
    'billing.plan_changed': async (p, { env }) => {
      await configureMeter(env, { userId: p.userId, limits: p.limits, periodStart: p.periodStart.getTime(), periodEnd: p.periodEnd.getTime() })
    },
  },
}
