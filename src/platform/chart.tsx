/**
 * A bar chart drawn on the server as SVG (issue 20): no chart library, no script needed to read it, nothing
 * for the CSP to refuse. Colours come from classes (styles/charts.scss, Bulma's theme variables), so the
 * chart follows light and dark.
 *
 * Layout: no viewBox. The SVG is 100% wide and a fixed number of pixels high; bars and labels are placed in
 * percentages across and pixels down, so text keeps its size at any width (a scaled viewBox shrank 11-unit
 * text to 6 px on a phone, and preserveAspectRatio="none" stretched it). The y-axis labels sit at negative
 * x, in the SVG's CSS left padding, which percentages do not count: the bars never run under them.
 *
 * Reading it: a y-axis of 3–5 round ticks with gridlines and a few dates along the x-axis; each bar shows its
 * value above the plot on hover and on keyboard focus (CSS :hover / :focus-visible) and carries a <title>
 * and an accessible name. Keyboard: the chart is ONE tab stop — the latest bar — and the arrow keys, Home
 * and End move between bars (the roving tabindex of WAI-ARIA's composite widgets; `barChart` in
 * public/components.js). Thirty tab stops per chart (four charts on /usage) would make the page tiring to cross;
 * without JavaScript the latest bar is still reachable, and every number is in the table below the chart
 * (WCAG 1.1.1), which is also the better way to read them all with a screen reader.
 */
export interface BarChartProps {
  id: string
  /** What the chart shows ("Sign-ups per day"): the chart's name and the table's caption. */
  label: string
  /** In order along the x-axis; `label` is read in full (tooltip, table), `axis` under the axis. */
  points: Array<{ label: string; value: number; axis?: string }>
  /** Prints a value for the ticks, labels and table: formatCount for counts, formatBytes for sizes. */
  format: (n: number) => string
  /** Ticks in steps of KiB/MiB/GiB rather than of 10 (byte values): 0 / 1 / 2 / 3 KiB, not 0 / 1,000 B. */
  binary?: boolean
  /** The sentence under the chart; total and peak by default. */
  summary?: string
  /** What an empty chart says instead (no points, or all zero): no axis pretends there is a scale. */
  empty: string
  /** Table column headings. */
  columns?: [string, string]
}

const HEIGHT = 176
const PLOT_TOP = 28 // the row above the plot where a bar's value label appears
const PLOT_BOTTOM = HEIGHT - 24 // the x-axis; its labels sit below
const CHAR_PX = 7 // width of one character of the 0.75rem labels, to size a value label's background

const pct = (n: number) => `${Math.round(n * 1000) / 1000}%`

/**
 * 3–5 round tick values from 0 to at least `max` (0/250/500/750/1000): steps of 1, 2, 2.5 or 5 times a power
 * of ten — of a power of 1024 when `binary` — whole numbers when every value is whole.
 */
export function niceTicks(max: number, { binary = false, integer = false }: { binary?: boolean; integer?: boolean } = {}): number[] {
  if (!Number.isFinite(max) || max <= 0) return [0]
  const unit = binary ? 1024 ** Math.min(5, Math.max(0, Math.floor(Math.log(max) / Math.log(1024)))) : 1
  const scaled = max / unit
  const whole = integer && unit === 1
  const magnitude = 10 ** Math.floor(Math.log10(scaled / 4))
  const step = [1, 2, 2.5, 5, 10, 20, 25, 50]
    .map((m) => m * magnitude)
    .find((s) => (!whole || Number.isInteger(Math.round(s * 1e9) / 1e9)) && Math.ceil(scaled / s - 1e-9) <= 4)!
  const intervals = Math.max(2, Math.ceil(scaled / step - 1e-9))
  return Array.from({ length: intervals + 1 }, (_, i) => Math.round(i * step * unit * 1e6) / 1e6)
}

export function BarChart({ id, label, points, format, binary, summary, empty, columns = ['Day (UTC)', 'Value'] }: BarChartProps) {
  const values = points.map((p) => (Number.isFinite(p.value) && p.value > 0 ? p.value : 0))
  const max = Math.max(0, ...values)
  if (max === 0) {
    return (
      <figure class="bar-chart is-empty" id={id}>
        <p class="bar-chart-empty">{empty}</p>
      </figure>
    )
  }
  const ticks = niceTicks(max, { binary, integer: values.every(Number.isInteger) })
  const top = ticks.at(-1)!
  const plotH = PLOT_BOTTOM - PLOT_TOP
  const y = (v: number) => PLOT_BOTTOM - (v / top) * plotH
  const slot = 100 / points.length
  const peak = values.indexOf(max)
  const total = values.reduce((a, b) => a + b, 0)
  const text = summary ?? `${format(total)} in total; highest ${format(max)} on ${points[peak]!.label}.`
  const last = points.length - 1
  const marked = points.length >= 5 ? [0, Math.floor(last / 2), last] : points.length > 1 ? [0, last] : [0]
  return (
    <figure class="bar-chart" id={id}>
      <svg class="bar-chart-plot" width="100%" height={HEIGHT} overflow="visible" role="group" aria-label={label} aria-describedby={`${id}-summary`}
        x-data="barChart" x-bind="keys">
        <g class="bar-chart-grid" aria-hidden="true">
          {ticks.map((t) => (
            <>
              <line class={t === 0 ? 'bar-chart-axis' : 'bar-chart-gridline'} x1="0" x2="100%" y1={y(t)} y2={y(t)} />
              {/* In the SVG's left padding (styles/charts.scss), level with its gridline, beside the bars. */}
              <text class="bar-chart-tick" x="-6" y={y(t) + 4} text-anchor="end">{format(t)}</text>
            </>
          ))}
          {marked.map((i) => {
            const anchor = i === 0 && points.length > 1 ? 'start' : i === last && points.length > 1 ? 'end' : 'middle'
            const x = anchor === 'start' ? '0' : anchor === 'end' ? '100%' : pct((i + 0.5) * slot)
            return (
              <>
                <line class="bar-chart-axis" x1={pct((i + 0.5) * slot)} x2={pct((i + 0.5) * slot)} y1={PLOT_BOTTOM} y2={PLOT_BOTTOM + 4} />
                <text class="bar-chart-tick" x={x} y={HEIGHT - 4} text-anchor={anchor}>{points[i]!.axis ?? points[i]!.label}</text>
              </>
            )
          })}
        </g>
        {points.map((p, i) => {
          const v = values[i]!
          const h = v === 0 ? 0 : Math.max(2, PLOT_BOTTOM - y(v))
          const name = `${p.label}: ${format(v)}`
          const tipW = name.length * CHAR_PX + 12
          // The value label opens towards the middle of the chart, so it never leaves the SVG at either edge.
          const tipX = i < points.length / 3 ? -6 : i >= (points.length * 2) / 3 ? 6 - tipW : -tipW / 2
          return (
            <g class="bar-chart-bar" tabindex={i === last ? '0' : '-1'} role="img" aria-label={name} data-bar="" data-value={v}>
              <title>{name}</title>
              <rect class="bar-chart-hit" x={pct(i * slot)} y={PLOT_TOP} width={pct(slot)} height={plotH} />
              <rect class="bar-chart-fill" x={pct(i * slot + slot * 0.15)} y={PLOT_BOTTOM - h} width={pct(slot * 0.7)} height={h} />
              <svg class="bar-chart-tip" x={pct((i + 0.5) * slot)} y="2" width="1" height="1" overflow="visible" aria-hidden="true">
                <rect x={tipX} y="0" width={tipW} height="20" rx="4" />
                <text x={tipX + 6} y="14">{name}</text>
              </svg>
            </g>
          )
        })}
      </svg>
      <figcaption id={`${id}-summary`} class="bar-chart-summary">{text}</figcaption>
      <details class="bar-chart-table">
        <summary>{label}: the numbers as a table</summary>
        <div class="table-container">
          <table class="table is-narrow is-striped">
            <caption class="is-sr-only">{label}</caption>
            <thead><tr><th scope="col">{columns[0]}</th><th scope="col" class="has-text-right">{columns[1]}</th></tr></thead>
            <tbody>{points.map((p, i) => <tr><th scope="row" class="has-text-weight-normal">{p.label}</th><td class="has-text-right">{format(values[i]!)}</td></tr>)}</tbody>
          </table>
        </div>
      </details>
    </figure>
  )
}
