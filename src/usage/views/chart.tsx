import { METRIC_NOUN, formatAmount, type MeterName, type Metric } from '../metrics'
import { BarChart } from '../../platform/chart'
import { formatDate, formatDayMonth } from '../../platform/format'
import type { DayFigure } from '../summary'
import type { MeterFigure } from '../summary'

/**
 * A metric's last 30 days as the shared bar chart (src/platform/chart.tsx): the summary says what a sighted
 * reader sees — for a gauge the level now and its highest, for a counter the total and the busiest day.
 */
export function UsageChart({ id, metric, label, days }: { id: string; metric: Metric; label: string; days: DayFigure[] }) {
  const peak = days.reduce((a, b) => (b.amount > a.amount ? b : a), days[0] ?? { day: '', amount: 0 })
  const total = days.reduce((n, d) => n + d.amount, 0)
  const latest = days.at(-1)
  const isLevel = metric === 'storage_bytes' || metric === 'file_count'
  const format = (n: number) => formatAmount(metric, n)
  const day = (d: string) => formatDate(new Date(d))
  const summary = isLevel
    ? `Now ${format(latest?.amount ?? 0)}; highest ${format(peak.amount)} on ${day(peak.day)}.`
    : `${format(total)} in total; busiest day ${day(peak.day)} with ${format(peak.amount)}.`
  return (
    <BarChart id={id} label={`${label}, last ${days.length} days`} format={format} binary={metric === 'storage_bytes'}
      summary={summary} columns={['Day (UTC)', isLevel ? 'Level' : 'Amount']}
      empty={metric === 'storage_bytes' ? `Nothing stored in the last ${days.length} days.` : `No ${METRIC_NOUN[metric]} in the last ${days.length} days.`}
      points={days.map((d) => ({ label: day(d.day), axis: formatDayMonth(new Date(d.day)), value: d.amount }))} />
  )
}

/** One quota as a labelled progress bar; warning colour from 80%, danger at the limit. */
export function QuotaBar({ id, metric, label, figure, compact }: { id: string; metric: MeterName; label: string; figure: MeterFigure; compact?: boolean }) {
  const { used, limit, percent } = figure
  const tone = percent === null ? 'is-primary' : percent >= 100 ? 'is-danger' : percent >= 80 ? 'is-warning' : 'is-primary'
  const text = limit === null ? `${formatAmount(metric, used)} (no limit)` : `${formatAmount(metric, used)} of ${formatAmount(metric, limit)} (${percent}%)`
  return (
    <div class={compact ? 'mb-2' : 'mb-4'}>
      <p class={`is-flex is-justify-content-space-between is-flex-wrap-wrap ${compact ? 'is-size-7' : ''}`}>
        <span id={`${id}-label`} class="has-text-weight-semibold">{label.charAt(0).toUpperCase() + label.slice(1)}</span>
        <span id={`${id}-text`}>{text}</span>
      </p>
      {limit !== null && (
        <progress class={`progress ${tone} ${compact ? 'is-small' : ''} mb-1`} value={Math.min(used, limit)} max={Math.max(limit, 1)}
          aria-labelledby={`${id}-label`} aria-describedby={`${id}-text`}>{percent}%</progress>
      )}
    </div>
  )
}
