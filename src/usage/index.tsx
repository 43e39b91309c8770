import type { Feature } from '../platform/feature'
import { usageRoutes } from './routes'
import { deleteUsageData } from './cleanup'
import { endApiKeys } from './api-key-events'
import { configureMeter } from './quota'
import { getUsageSummary, listUsageAdjustments, type AdjustmentRow, type UsageSummary } from './summary'
import { AdminUsageSection, UsageCard } from './views/usage-page'
import { usageAdminPanel } from './views/admin-panel'
import { usageApiOperations } from './api-schemas'

/**
 * Nightly, as declared in wrangler.toml [triggers] crons: the feature that stores what a gauge measures
 * schedules `createReconcileJob` with its own measure (files: storage and file count).
 */
export const RECONCILE_CRON = '17 3 * * *'

// The usage feature's public entry (docs/usage.md, ADR 0006): the meter, the quota calls and
// middleware other features use, the admin functions, and the Feature object the registry composes.
// Other features import from here only.
export { UsageMeter } from './meter'
export { consumeQuota, releaseQuota, readQuota, configureMeter } from './quota'
export { meter, requireApiKey, apiError, quotaExceeded, methodNotAllowed, validateRequest } from './middleware'
export { getUsageSummary, getDailyUsage, listUsageAdjustments } from './summary'
export { adjustUsage, resetUsage } from './admin'
export { reconcileGauges, createReconcileJob, type GaugeSource } from './reconcile'
export type { Metric, QuotaItem, QuotaResult, QuotaDenial, MetricUsage, QuotaLimits } from './metrics'

export const usageFeature: Feature = {
  name: 'usage',
  routes: usageRoutes,
  // Bearer keys only, no cookies: a cross-site page cannot attach an Authorization header (checklist 14).
  csrfExemptPaths: ['/api/v1/*'],
  nav: [
    { href: '/usage', label: 'Usage', audience: 'user', position: 'sidebar', icon: 'chart-column', order: 30 },
    { href: '/settings/api-keys', label: 'API keys', audience: 'verified', position: 'sidebar', icon: 'key-round', order: 35 },
    { href: '/docs/api', label: 'API reference', audience: 'everyone', position: 'footer', order: 50 },
  ],
  // The API's own operations (files adds its own); /api/v1/openapi.json and /docs/api are built from all.
  apiOperations: usageApiOperations,
  dashboardCards: [{
    id: 'usage',
    title: 'Usage',
    order: 30,
    audience: 'user',
    load: (db, viewer, _env, now) => getUsageSummary(db, viewer.id, now),
    render: (summary: UsageSummary) => UsageCard({ summary }),
  }],
  adminPanels: [usageAdminPanel],
  adminUserSections: [{
    id: 'usage',
    title: 'Usage',
    order: 30,
    load: async (db, userId, _env, now) => {
      const [summary, adjustments] = await Promise.all([getUsageSummary(db, userId, now), listUsageAdjustments(db, userId)])
      return { summary, adjustments }
    },
    render: (data: { summary: UsageSummary; adjustments: AdjustmentRow[] }, userId) => AdminUsageSection({ userId, ...data }),
  }],
  durableObjects: ['UsageMeter'],
  accountCleanups: [deleteUsageData],
  on: {
    // A password change or reset, a deactivation: every key of the account ends with it (ADR 0083).
    'auth.credentials_ended': endApiKeys,
    // A checkout, plan change, cancellation or lapse: the meter's limits move at once (ADR 0041).
    'billing.plan_changed': async (p, { env, now }) => {
      await configureMeter(env, { userId: p.userId, limits: p.limits, periodStart: p.periodStart.getTime(), periodEnd: p.periodEnd.getTime() }, now)
    },
  },
}
