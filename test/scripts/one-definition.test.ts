import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatDate, formatDateTime, formatDay, formatTime, isUuid } from '../../src/platform/format'

// Issue 19: one UUID check and one set of date formats, in src/platform/format.ts; a feature that
// writes its own drifts (one page said "2026-12-04 13:50", another "4 Dec 2026, 13:50 UTC").
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? sources(p) : /\.tsx?$/.test(e.name) ? [p] : []
  })
}

const DEFINITIONS: Array<[string, RegExp]> = [
  ['a UUID pattern', /\[0-9a-f\]\{8\}-/i],
  ['a date formatter', /new Intl\.DateTimeFormat\(/],
  ['a day sliced from an ISO string', /toISOString\(\)\.slice\(0, 10\)/],
]

describe('one UUID check, one date formatter', () => {
  it('only src/platform/format.ts defines them', () => {
    const found: string[] = []
    for (const file of sources('src')) {
      if (file === path.join('src', 'platform', 'format.ts')) continue
      const text = fs.readFileSync(file, 'utf8')
      for (const [what, re] of DEFINITIONS) if (re.test(text)) found.push(`${file}: ${what}`)
    }
    expect(found).toEqual([])
  })

  it('the shared definitions', () => {
    expect(isUuid('0b7c6f3e-2f4a-4c1e-9d3b-8a5e6f7a8b9c')).toBe(true)
    expect(isUuid('0B7C6F3E-2F4A-4C1E-9D3B-8A5E6F7A8B9C')).toBe(true)
    expect(isUuid('0b7c6f3e-2f4a-4c1e-9d3b-8a5e6f7a8b9')).toBe(false)
    expect(isUuid(' 0b7c6f3e-2f4a-4c1e-9d3b-8a5e6f7a8b9c')).toBe(false)
    expect(isUuid(42)).toBe(false)
    const instant = new Date(Date.UTC(2026, 11, 4, 23, 50))
    expect(formatDateTime(instant)).toBe('4 Dec 2026, 23:50 UTC')
    expect(formatDate(instant)).toBe('4 Dec 2026')
    expect(formatDay(instant)).toBe('2026-12-04')
    expect(formatTime(instant)).toBe('23:50 UTC')
  })
})
