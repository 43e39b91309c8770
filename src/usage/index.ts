import type { Feature } from '../platform/feature'

// The usage feature's public entry (CONTRACTS.md): the meter, quota calls other features use, and the
// Feature object the registry composes. Other features import from here only.
export { UsageMeter } from './meter'
export { consumeQuota, releaseQuota, readQuota, configureMeter } from './quota'
export type { Metric, QuotaItem, QuotaResult, QuotaDenial, MetricUsage, QuotaLimits } from './metrics'

export const usageFeature: Feature = {
  name: 'usage',
  durableObjects: ['UsageMeter'],
}
