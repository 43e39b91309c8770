import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatBytes, formatDate, formatDateTime, formatDay, formatTime, isUuid } from '../../src/platform/format'

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
  // Issue 20: pricing said "100 MB" where files said "100 MiB" for the same limit. A byte formatter divides
  // by 1024 or names a unit in code (an SI one, dividing by 1000 like every ms → s, is caught by its 'kB');
  // sizes written as `25 * 1024 * 1024` and units in comments or prose are fine.
  ['a byte formatter dividing by 1024', /\/=?\s*\(?\s*(?:1024|1_024|1048576|1_048_576)\b/],
  ['a byte unit as a string', /['"`][kKMGTP]i?B['"`]/],
  ['a byte unit after an interpolated number', /\$\{[^}]*\}\s?[kKMGTP]i?B\b/],
]

describe('one UUID check, one date formatter, one byte formatter', () => {
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

  it('bytes: IEC units, a limit prints as the round number it was set to', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1)).toBe('1 B')
    expect(formatBytes(1023)).toBe('1,023 B')
    expect(formatBytes(1024)).toBe('1 KiB')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(15 * 1024 + 300)).toBe('15 KiB')
    expect(formatBytes(25 * 1024 * 1024)).toBe('25 MiB')
    expect(formatBytes(104_857_600)).toBe('100 MiB')
    expect(formatBytes(1024 ** 3)).toBe('1 GiB')
    expect(formatBytes(10_737_418_240)).toBe('10 GiB')
    expect(formatBytes(107_374_182_400)).toBe('100 GiB')
    expect(formatBytes(1024 ** 4 * 3)).toBe('3 TiB')
    expect(formatBytes(1024 ** 6)).toBe('1,024 PiB')
  })

  it('bytes: rounding never prints 1024 of a unit, and bad input is guarded', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1 MiB')
    expect(formatBytes(1024 * 1024 - 600)).toBe('1,023 KiB')
    expect(formatBytes(10 * 1024 - 40)).toBe('10 KiB')
    expect(formatBytes(1.04 * 1024 ** 3)).toBe('1 GiB')
    expect(formatBytes(1.05 * 1024 ** 3)).toBe('1.1 GiB')
    expect(formatBytes(-2048)).toBe('-2 KiB')
    expect(formatBytes(Number.NaN)).toBe('—')
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe('—')
  })
})
