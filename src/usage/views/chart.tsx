import { formatAmount, type MeterName, type Metric } from '../metrics'
import type { DayFigure } from '../summary'
import type { MeterFigure } from '../summary'

// Small user units, so that 11-unit text stays readable when the chart shrinks to a 390 px phone.
const W = 320
const H = 140
const PAD_LEFT = 4
const PAD_BOTTOM = 20
const PAD_TOP = 18

/**
 * A 30-day bar chart drawn on the server (no chart library, no script): an <svg role="img"> whose title
 * and description say what a sighted reader sees (total, peak, latest), and the same numbers in a table
 * for anyone who wants them all (WCAG 1.1.1). Colours come from classes (the CSP forbids style=).
 */
export function UsageChart({ id, metric, label, days }: { id: string; metric: Metric; label: string; days: DayFigure[] }) {
  const max = Math.max(1, ...days.map((d) => d.amount))
  const peak = days.reduce((a, b) => (b.amount > a.amount ? b : a), days[0] ?? { day: '', amount: 0 })
  const total = days.reduce((n, d) => n + d.amount, 0)
  const latest = days.at(-1)
  const isLevel = metric === 'storage_bytes' || metric === 'file_count'
  const slot = (W - PAD_LEFT) / Math.max(1, days.length)
  const barW = Math.max(2, slot * 0.7)
  const plotH = H - PAD_BOTTOM - PAD_TOP
  const summary = peak.amount === 0
    ? `Nothing in the last ${days.length} days.`
    : isLevel
      ? `Now ${formatAmount(metric, latest?.amount ?? 0)}; highest ${formatAmount(metric, peak.amount)} on ${peak.day}.`
      : `${formatAmount(metric, total)} in total; busiest day ${peak.day} with ${formatAmount(metric, peak.amount)}.`
  return (
    <figure class="usage-chart mb-5">
      <svg id={id} class="usage-chart-svg has-text-primary" viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{label}, last {days.length} days</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        <line x1={PAD_LEFT} x2={W} y1={H - PAD_BOTTOM} y2={H - PAD_BOTTOM} stroke="#4a4a4a" stroke-width="1" />
        <text x={PAD_LEFT} y={12} font-size="11" fill="#363636">max {formatAmount(metric, max)}</text>
        {days.map((d, i) => {
          const h = d.amount === 0 ? 0 : Math.max(1, (d.amount / max) * plotH)
          return <rect x={(PAD_LEFT + i * slot + (slot - barW) / 2).toFixed(1)} y={(H - PAD_BOTTOM - h).toFixed(1)} width={barW.toFixed(1)} height={h.toFixed(1)} fill="currentColor"><title>{`${d.day}: ${formatAmount(metric, d.amount)}`}</title></rect>
        })}
        <text x={PAD_LEFT} y={H - 6} font-size="11" fill="#363636">{days[0]?.day}</text>
        <text x={W} y={H - 6} font-size="11" fill="#363636" text-anchor="end">{latest?.day}</text>
      </svg>
      <figcaption class="is-size-7 has-text-grey-dark">{summary}</figcaption>
      <details class="mt-2">
        <summary>{label}: the numbers as a table</summary>
        <div class="table-container">
          <table class="table is-narrow is-striped">
            <caption class="is-sr-only">{label} per day, last {days.length} days</caption>
            <thead><tr><th scope="col">Day (UTC)</th><th scope="col" class="has-text-right">{isLevel ? 'Level' : 'Amount'}</th></tr></thead>
            <tbody>{days.map((d) => <tr><th scope="row" class="has-text-weight-normal">{d.day}</th><td class="has-text-right">{formatAmount(metric, d.amount)}</td></tr>)}</tbody>
          </table>
        </div>
      </details>
    </figure>
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
