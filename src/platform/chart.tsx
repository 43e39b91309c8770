/**
 * A bar chart drawn on the server as SVG: no chart library, no script, nothing for the CSP to refuse
 * (presentation attributes such as `fill` are not inline styles). Each bar carries a <title> for hover and
 * the chart a text summary, and the caller should also offer the numbers as text (WCAG 1.1.1).
 */
export function BarChart({ points, label, id }: { points: Array<{ label: string; value: number }>; label: string; id: string }) {
  const width = 600
  const height = 160
  const pad = { top: 10, bottom: 24, left: 30 }
  const max = Math.max(1, ...points.map((p) => p.value))
  const slot = (width - pad.left) / Math.max(points.length, 1)
  const barW = Math.max(2, slot * 0.7)
  const plotH = height - pad.top - pad.bottom
  const total = points.reduce((n, p) => n + p.value, 0)
  return (
    <figure class="bar-chart" aria-labelledby={`${id}-caption`}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-caption`} preserveAspectRatio="none" class="bar-chart-svg">
        <line x1={pad.left} y1={pad.top + plotH} x2={width} y2={pad.top + plotH} stroke="#4a4a4a" stroke-width="1" />
        <text x={pad.left - 4} y={pad.top + 8} text-anchor="end" font-size="10" fill="#363636">{max}</text>
        <text x={pad.left - 4} y={pad.top + plotH} text-anchor="end" font-size="10" fill="#363636">0</text>
        {points.map((p, i) => {
          const h = Math.round((p.value / max) * plotH)
          const x = pad.left + i * slot + (slot - barW) / 2
          return (
            <rect x={x.toFixed(1)} y={pad.top + plotH - h} width={barW.toFixed(1)} height={h} fill="#00796b" data-value={p.value}>
              <title>{`${p.label}: ${p.value}`}</title>
            </rect>
          )
        })}
        {points.length > 0 && <text x={pad.left} y={height - 6} font-size="10" fill="#363636">{points[0]!.label}</text>}
        {points.length > 1 && <text x={width} y={height - 6} font-size="10" text-anchor="end" fill="#363636">{points[points.length - 1]!.label}</text>}
      </svg>
      <figcaption id={`${id}-caption`} class="is-size-7 has-text-grey-dark">{`${label}: ${total} in total, at most ${max === 1 && total === 0 ? 0 : max} on one day.`}</figcaption>
    </figure>
  )
}
