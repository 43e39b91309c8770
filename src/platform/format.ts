// The one UUID check and the date formats the features share (issue 19): every page shows instants the
// same way, in UTC (the server does not know the reader's zone, and a UTC label is never ambiguous).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A route or form parameter that can be a row id: checked before it reaches a uuid column (a 404, not a 500). */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value)

// Each formatter is built on its first use and kept for the isolate, never at module load: the first Intl
// formatter of an isolate loads ICU's locale data, about 12 ms of every cold start (issue 23,
// docs/performance.md), which a request that formats nothing (a redirect, an API call, a webhook) need not pay.
function onFirstUse<T>(make: () => T): () => T {
  let value: T | undefined
  return () => (value ??= make())
}

const dateTime = onFirstUse(() => new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }))
const dateOnly = onFirstUse(() => new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }))
const timeOnly = onFirstUse(() => new Intl.DateTimeFormat('en-GB', { timeStyle: 'short', timeZone: 'UTC' }))
const dayMonth = onFirstUse(() => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }))

/** "4 Dec 2026, 13:50 UTC": an instant on a page. */
export const formatDateTime = (d: Date): string => `${dateTime().format(d)} UTC`

/** "13:50 UTC": a time later today (when an impersonation ends). */
export const formatTime = (d: Date): string => `${timeOnly().format(d)} UTC`

/** "4 Dec 2026": a calendar day on a page (UTC). */
export const formatDate = (d: Date): string => dateOnly().format(d)

/** "4 Dec": a day under a chart's axis, where the year is in the chart's title. */
export const formatDayMonth = (d: Date): string => dayMonth().format(d)

/** "2026-12-04": a UTC day as a key (charts, rows per day, mail props). */
export const formatDay = (d: Date): string => d.toISOString().slice(0, 10)

const count = onFirstUse(() => new Intl.NumberFormat('en-US'))

/** "10,000": a count on a page (plan limits, chart values). */
export const formatCount = (n: number): string => count().format(n)

// Bytes (issue 20): one formatter for pricing, quotas, files, usage, admin and the CLI. IEC binary units
// (KiB, MiB, GiB: steps of 1024) because every limit is defined in powers of two — the plans' 104,857,600
// bytes are 100 × 1024², the upload limit 25 × 1024², Workers' body limit 100 MiB — so a limit prints as
// the round number it was set to ("100 MiB", "1 GiB"), where SI would say "104.9 MB" or "1.07 GB".
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
const bytesWhole = onFirstUse(() => new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }))
const bytesOneDecimal = onFirstUse(() => new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }))

/**
 * "512 B", "1.5 KiB", "25 MiB", "1 GiB": one decimal below 10 of a unit, whole numbers above (three
 * significant figures at most), and a value that rounds up to 1024 moves to the next unit ("1 MiB", not
 * "1024 KiB"). Not a number or infinite → "—" (an unknown size, never "NaN B"); negative keeps its sign.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—'
  if (bytes < 0) return `-${formatBytes(-bytes)}`
  let value = bytes
  let unit = 0
  while (unit < BYTE_UNITS.length - 1 && roundBytes(value) >= 1024) { value /= 1024; unit++ }
  return `${(unit === 0 || value >= 10 ? bytesWhole : bytesOneDecimal)().format(value)} ${BYTE_UNITS[unit]}`
}

// The value as it will print: what decides whether it still fits below 1024 of its unit.
const roundBytes = (value: number): number => (value >= 10 ? Math.round(value) : Math.round(value * 10) / 10)
