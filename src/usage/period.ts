import { formatDay } from '../platform/format'
/** Periods in UTC milliseconds. Free plans use calendar months; paid plans follow the subscription. */
export interface Period {
  start: number
  end: number
}

export function calendarMonth(now: number): Period {
  const d = new Date(now)
  return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) }
}

/** `ms` plus `months` calendar months in UTC, clamped to the month's last day (Jan 31 + 1 → Feb 28/29). */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms)
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()))
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay))
  return target.getTime()
}

function monthsBetween(start: number, end: number): number {
  const a = new Date(start)
  const b = new Date(end)
  return Math.max(1, (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth())
}

/**
 * The period containing `now`, stepping a period that has ended forward by its own length. Used when the
 * plan has not announced its next period yet (a renewal webhook can arrive after the period turned):
 * counters must still start again on time.
 */
export function advancePeriod(period: Period, now: number): Period {
  if (now < period.end) return period
  const months = monthsBetween(period.start, period.end)
  // Steps from the original anchor, so a period starting on the 31st keeps ending on month ends.
  let k = 1
  while (addMonths(period.start, (k + 1) * months) <= now && k < 100_000) k++
  return { start: addMonths(period.start, k * months), end: addMonths(period.start, (k + 1) * months) }
}

/** The UTC day (YYYY-MM-DD) a usage record belongs to. */
export function utcDay(now: number): string {
  return formatDay(new Date(now))
}
