import type { QuotaLimits } from '../billing'
import { formatBytes, formatCount } from '../platform/format'

/**
 * The four things the product meters (names fixed here; docs/usage.md). Counters count events in a period
 * and start again at zero when a new period begins; gauges are levels (bytes stored, files kept) that go
 * up and down and survive a new period.
 */
export const METRICS = ['storage_bytes', 'file_count', 'uploads', 'api_requests'] as const
export type Metric = (typeof METRICS)[number]

export const GAUGES: ReadonlySet<MeterName> = new Set<Metric>(['storage_bytes', 'file_count'])
export const COUNTERS: ReadonlySet<Metric> = new Set(['uploads', 'api_requests'])

/** Plan limits as billing hands them over; the meter receives them as data. */
export type { QuotaLimits }

export const LIMIT_KEY: Record<Metric, Exclude<keyof QuotaLimits, 'meters'>> = {
  storage_bytes: 'storageBytes',
  file_count: 'fileCount',
  uploads: 'uploadsPerMonth',
  api_requests: 'apiRequestsPerMonth',
}

export const METRIC_LABEL: Record<Metric, string> = {
  storage_bytes: 'storage',
  file_count: 'files',
  uploads: 'uploads this period',
  api_requests: 'API requests this period',
}

/** The name a person reads in a mail or a 429 ("You have used 80% of your API requests"). */
export const METRIC_NOUN: Record<Metric, string> = {
  storage_bytes: 'storage bytes',
  file_count: 'files',
  uploads: 'uploads',
  api_requests: 'API requests',
}

export function isMetric(value: unknown): value is Metric {
  return typeof value === 'string' && (METRICS as readonly string[]).includes(value)
}

/**
 * A built-in metric, or a counter a feature declares (Feature.meters, ADR 0072): snake_case, counted per
 * period like uploads, its limit in the plan's `meter_limits`.
 */
export type MeterName = Metric | (string & {})

const FEATURE_METRIC = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/

export function isFeatureMetric(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 60 && FEATURE_METRIC.test(value) && !isMetric(value)
}

export function isMeterName(value: unknown): value is MeterName {
  return isMetric(value) || isFeatureMetric(value)
}

/** The name a person reads for any meter: a feature's metric is its words ("report_exports" → "report exports"). */
export function meterNoun(metric: MeterName): string {
  return isMetric(metric) ? METRIC_NOUN[metric] : metric.replace(/_/g, ' ')
}

/**
 * A meter's limit under these plan limits: a number, null for none, or undefined when the plan does not
 * mention a feature's metric at all (the meter then asks for the plan again once, then treats it as 0:
 * a metric a plan does not list is not part of it).
 */
export function limitOf(limits: QuotaLimits, metric: MeterName): number | null | undefined {
  if (isMetric(metric)) return normaliseLimit(limits[LIMIT_KEY[metric]])
  const value = limits.meters?.[metric]
  return value === undefined ? undefined : normaliseLimit(value)
}

/** The limit the meter enforces: a feature metric the plan does not list has 0. */
export function enforcedLimit(limits: QuotaLimits, metric: MeterName): number | null {
  const limit = limitOf(limits, metric)
  return limit === undefined ? 0 : limit
}

export interface MetricUsage {
  used: number
  /** `null` = no limit on this plan. */
  limit: number | null
  /** `null` when there is no limit. */
  remaining: number | null
}

export interface QuotaDenial {
  metric: MeterName
  used: number
  limit: number
  /** Counters: seconds until the period resets. Gauges: absent (only freeing space helps). */
  retryAfterSeconds?: number
}

export interface QuotaResult {
  allowed: boolean
  denied?: QuotaDenial
  /** Every built-in metric, and each feature metric the plan or the meter knows. */
  usage: Record<Metric, MetricUsage> & Partial<Record<string, MetricUsage>>
  periodStart: number
  periodEnd: number
}

export interface QuotaItem {
  metric: MeterName
  amount: number
}

/** Non-finite or negative limits mean "unlimited" (a plan may say Infinity; JSON has no Infinity). */
export function normaliseLimit(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : null
}

export function formatAmount(metric: MeterName, n: number): string {
  return metric === 'storage_bytes' ? formatBytes(n) : formatCount(n)
}

/** Validates items and adds up amounts per metric (caller bugs throw; they are never counted). */
export function sumItems(items: QuotaItem[]): Map<MeterName, number> {
  if (!Array.isArray(items) || items.length === 0) throw new TypeError('consume/release need at least one item')
  const amounts = new Map<MeterName, number>()
  for (const item of items) {
    if (!isMeterName(item?.metric)) throw new TypeError(`Unknown metric ${JSON.stringify(item?.metric)}`)
    if (!Number.isSafeInteger(item.amount) || item.amount < 0) throw new TypeError(`Amount for ${item.metric} must be a whole number, 0 or more`)
    amounts.set(item.metric, (amounts.get(item.metric) ?? 0) + item.amount)
  }
  return amounts
}
