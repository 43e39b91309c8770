import { describe, expect, it } from 'vitest'
import { BarChart, niceTicks } from '../../src/platform/chart'
import { formatBytes, formatCount } from '../../src/platform/format'

// Issue 20: the charts had one "max 1" label, no ticks, text stretched by preserveAspectRatio="none", and
// values only in a hover-only <title>.
const render = async (node: unknown) => String(await (node as { toString(): string | Promise<string> }).toString())

const days = (values: number[]) => values.map((value, i) => ({ label: `${i + 1} Nov 2026`, axis: `${i + 1} Nov`, value }))

describe('niceTicks', () => {
  it('3 to 5 round values from 0 past the maximum', () => {
    expect(niceTicks(1000)).toEqual([0, 250, 500, 750, 1000])
    expect(niceTicks(930)).toEqual([0, 250, 500, 750, 1000])
    expect(niceTicks(30)).toEqual([0, 10, 20, 30])
    expect(niceTicks(0.9)).toEqual([0, 0.25, 0.5, 0.75, 1])
    for (const max of [1, 3, 7, 13, 99, 101, 4321, 1e6 + 1]) {
      const ticks = niceTicks(max, { integer: true })
      expect(ticks.length, `max ${max}`).toBeGreaterThanOrEqual(3)
      expect(ticks.length, `max ${max}`).toBeLessThanOrEqual(5)
      expect(ticks.at(-1)!, `max ${max}`).toBeGreaterThanOrEqual(max)
      expect(ticks.every(Number.isInteger), `max ${max}`).toBe(true)
    }
    expect(niceTicks(1, { integer: true })).toEqual([0, 1, 2])
    expect(niceTicks(7, { integer: true })).toEqual([0, 2, 4, 6, 8])
  })

  it('bytes step in KiB/MiB/GiB, so the labels are round', () => {
    expect(niceTicks(2560, { binary: true }).map(formatBytes)).toEqual(['0 B', '1 KiB', '2 KiB', '3 KiB'])
    expect(niceTicks(100 * 1024 ** 2, { binary: true }).map(formatBytes)).toEqual(['0 B', '25 MiB', '50 MiB', '75 MiB', '100 MiB'])
    expect(niceTicks(700, { binary: true, integer: true })).toEqual([0, 200, 400, 600, 800])
  })

  it('nothing to scale: just 0', () => {
    expect(niceTicks(0)).toEqual([0])
    expect(niceTicks(Number.NaN)).toEqual([0])
    expect(niceTicks(-5)).toEqual([0])
  })
})

describe('BarChart', () => {
  it('a y-axis of formatted ticks with gridlines, a few dates on the x-axis, and no distortion', async () => {
    const html = await render(<BarChart id="c" label="Sign-ups per day" format={formatCount} empty="None." points={days([...Array(29).fill(0), 930])} />)
    for (const tick of ['250', '500', '750', '1,000']) expect(html).toMatch(new RegExp(`class="bar-chart-tick"[^>]*>${tick}</text>`))
    expect(html.match(/class="bar-chart-gridline"/g)).toHaveLength(4)
    expect(html.match(/class="bar-chart-axis"/g)!.length).toBeGreaterThanOrEqual(1)
    // First, middle and last day: three labels, anchored so they cannot run into each other or off the edge.
    expect(html).toMatch(/text-anchor="start">1 Nov</)
    expect(html).toMatch(/text-anchor="middle">15 Nov</)
    expect(html).toMatch(/text-anchor="end">30 Nov</)
    expect(html).not.toContain('preserveAspectRatio')
    expect(html).not.toContain('viewBox')
    // Colours come from classes only (dark mode), and nothing the CSP refuses.
    expect(html).not.toMatch(/\s(fill|stroke)="(?!transparent)/)
    expect(html).not.toMatch(/\sstyle=/)
  })

  it('each bar names its value, shows it on hover and focus, and the chart is one tab stop', async () => {
    const html = await render(<BarChart id="c" label="Storage" format={formatBytes} binary empty="None." points={days([0, 1536, 2560])} />)
    const bars = html.match(/<g class="bar-chart-bar"[^>]*>/g)!
    expect(bars).toHaveLength(3)
    expect(bars.filter((b) => b.includes('tabindex="0"'))).toHaveLength(1)
    expect(bars[2]).toContain('tabindex="0"') // the latest
    expect(bars[0]).toContain('tabindex="-1"')
    expect(bars[1]).toContain('role="img"')
    expect(bars[1]).toContain('aria-label="2 Nov 2026: 1.5 KiB"')
    expect(html).toContain('<title>2 Nov 2026: 1.5 KiB</title>')
    // The visible value label (CSS shows it on :hover and :focus-visible) holds the same words.
    expect(html).toMatch(/class="bar-chart-tip"[^>]*aria-hidden="true"><rect[^>]*><\/rect><text[^>]*>3 Nov 2026: 2.5 KiB<\/text>/)
    // Arrow keys move between bars (public/components.js barChart).
    expect(html).toMatch(/<svg class="bar-chart-plot"[^>]*x-data="barChart" x-bind="keys"/)
    expect(html).toMatch(/aria-describedby="c-summary"/)
    expect(html).toContain('id="c-summary" class="bar-chart-summary">4 KiB in total; highest 2.5 KiB on 3 Nov 2026.</figcaption>')
    expect(html).toMatch(/class="bar-chart-tick"[^>]*>3 KiB<\/text>/)
  })

  it('offers the numbers as a table', async () => {
    const html = await render(<BarChart id="c" label="API requests" format={formatCount} columns={['Day (UTC)', 'Requests']} empty="None." points={days([5, 1200])} />)
    expect(html).toContain('<summary>API requests: the numbers as a table</summary>')
    expect(html).toContain('<th scope="col" class="has-text-right">Requests</th>')
    expect(html).toMatch(/<th scope="row"[^>]*>2 Nov 2026<\/th><td class="has-text-right">1,200<\/td>/)
  })

  it('no data: the explanation, and no axis, bars or "max 1"', async () => {
    for (const points of [[], days([0, 0, 0])]) {
      const html = await render(<BarChart id="c" label="Uploads" format={formatCount} empty="No uploads in the last 30 days." points={points} />)
      expect(html).toContain('<p class="bar-chart-empty">No uploads in the last 30 days.</p>')
      expect(html).not.toContain('<svg')
      expect(html).not.toContain('max')
      expect(html).not.toContain('<table')
    }
  })

  it('bad values draw nothing and print as 0, never NaN', async () => {
    const html = await render(<BarChart id="c" label="Uploads" format={formatCount} empty="None." points={days([Number.NaN, -3, 4])} />)
    expect(html).not.toContain('NaN')
    expect(html).toContain('aria-label="1 Nov 2026: 0"')
    expect(html).toContain('aria-label="2 Nov 2026: 0"')
  })
})
