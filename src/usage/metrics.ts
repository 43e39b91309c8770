import type { QuotaLimits } from '../billing'
import { formatBytes } from '../platform/format'

/**
 * The four things the product meters (names fixed here; docs/usage.md). Counters count events in a period
 * and start again at zero when a new period begins; gauges are levels (bytes stored, files kept) that go
 * up and down and survive a new period.
 */
export const METRICS = ['storage_bytes', 'file_count', 'uploads', 'api_requests'] as const
export type Metric = (typeof METRICS)[number]

export const GAUGES: ReadonlySet<Metric> = new Set(['storage_bytes', 'file_count'])
export const COUNTERS: ReadonlySet<Metric> = new Set(['uploads', 'api_requests'])

/** Plan limits as billing hands them over; the meter receives them as data. */
export type { QuotaLimits }

export const LIMIT_KEY: Record<Metric, keyof QuotaLimits> = {
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

export interface MetricUsage {
  used: number
  /** `null` = no limit on this plan. */
  limit: number | null
  /** `null` when there is no limit. */
  remaining: number | null
}

export interface QuotaDenial {
  metric: Metric
  used: number
  limit: number
  /** Counters: seconds until the period resets. Gauges: absent (only freeing space helps). */
  retryAfterSeconds?: number
}

export interface QuotaResult {
  allowed: boolean
  denied?: QuotaDenial
  usage: Record<Metric, MetricUsage>
  periodStart: number
  periodEnd: number
}

export interface QuotaItem {
  metric: Metric
  amount: number
}

/** Non-finite or negative limits mean "unlimited" (a plan may say Infinity; JSON has no Infinity). */
export function normaliseLimit(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : null
}

const wholeNumber = new Intl.NumberFormat('en-US')

export function formatAmount(metric: Metric, n: number): string {
  return metric === 'storage_bytes' ? formatBytes(n) : wholeNumber.format(n)
}

/** Validates items and adds up amounts per metric (caller bugs throw; they are never counted). */
export function sumItems(items: QuotaItem[]): Map<Metric, number> {
  if (!Array.isArray(items) || items.length === 0) throw new TypeError('consume/release need at least one item')
  const amounts = new Map<Metric, number>()
  for (const item of items) {
    if (!isMetric(item?.metric)) throw new TypeError(`Unknown metric ${JSON.stringify(item?.metric)}`)
    if (!Number.isSafeInteger(item.amount) || item.amount < 0) throw new TypeError(`Amount for ${item.metric} must be a whole number, 0 or more`)
    amounts.set(item.metric, (amounts.get(item.metric) ?? 0) + item.amount)
  }
  return amounts
}
