import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildIconSprite, contrastWithWhite, purgeUnusedCss, readBrandColour, readIconNames, stylesheetEntry } from '../../scripts/build-styles.mjs'
import { readOgText, renderOgImage } from '../../scripts/og-image.mjs'

// The design system's build (ADR 0086, issue 20): one brand colour, only the CSS the pages use, an icon
// sprite from the names the code may render.
function tempProject(siteConfig: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-styles-'))
  fs.mkdirSync(path.join(dir, 'src'))
  fs.writeFileSync(path.join(dir, 'src/site.config.ts'), siteConfig)
  return dir
}

describe('the stylesheet build', () => {
  it('reads the brand colour from src/site.config.ts', () => {
    expect(readBrandColour()).toMatch(/^#[0-9a-f]{6}$/)
    expect(contrastWithWhite(readBrandColour())).toBeGreaterThanOrEqual(4.5)
  })

  it('refuses a brand colour white text cannot be read on (WCAG 1.4.3), and a missing one', () => {
    expect(() => readBrandColour(tempProject("export const BRAND_COLOUR = '#5eead4'\n"))).toThrow(/white text 1\.\d+:1/)
    expect(() => readBrandColour(tempProject("export const BRAND = 'teal'\n"))).toThrow(/BRAND_COLOUR/)
    expect(contrastWithWhite('#000000')).toBeCloseTo(21, 5)
    expect(contrastWithWhite('#ffffff')).toBeCloseTo(1, 5)
  })

  it('picks up every styles/<area>.scss after the design system, without a list to edit', () => {
    const entry = stylesheetEntry('#0f766e')
    expect(entry.split('\n')[0]).toBe('@use "system/bulma" with ($brand: #0f766e);')
    for (const file of fs.readdirSync('styles').filter((f) => f.endsWith('.scss') && !f.startsWith('_'))) {
      expect(entry).toContain(`@use "${file.replace('.scss', '')}";`)
    }
  })

  it('builds a symbol for each icon name and fails on an unknown one', () => {
    const names = readIconNames()
    expect(names).toContain('layout-dashboard')
    const sprite = buildIconSprite(names)
    for (const name of names.filter((n) => !n.startsWith('brand-'))) expect(sprite).toContain(`<symbol id="${name}" viewBox="0 0 24 24">`)
    expect(() => buildIconSprite(['no-such-icon'])).toThrow(/no lucide icon named "no-such-icon"/)
  })

  it('adds the brand marks: GitHub’s in the text colour, Google’s G in its four colours', () => {
    const names = readIconNames()
    expect(names).toEqual(expect.arrayContaining(['brand-github', 'brand-google']))
    const sprite = buildIconSprite(names)
    const symbol = (id: string) => new RegExp(`<symbol id="${id}"[^>]*>(.*?)</symbol>`).exec(sprite)?.[1] ?? ''
    expect(sprite).toContain('<symbol id="brand-github" viewBox="0 0 16 16">')
    expect(symbol('brand-github')).toContain('fill="currentColor"')
    expect(symbol('brand-google').match(/fill="#[0-9A-F]{6}"/g)).toEqual(['fill="#EA4335"', 'fill="#4285F4"', 'fill="#FBBC05"', 'fill="#34A853"'])
  })

  it('keeps rules whose classes the sources use and drops the rest', async () => {
    const css = '.app-sidebar{color:red}.never-used-anywhere-class{color:blue}.notification.is-success{color:green}'
    const kept = await purgeUnusedCss(css)
    expect(kept).toContain('.app-sidebar')
    expect(kept).toContain('.notification.is-success')
    expect(kept).not.toContain('never-used-anywhere-class')
  })
})

describe('the social-preview image', () => {
  it('is a 1200×630 PNG drawn from the app name and tagline', async () => {
    const text = readOgText()
    expect(text.appName.length).toBeGreaterThan(0)
    expect(text.tagline.length).toBeGreaterThan(0)
    const png = await renderOgImage({ ...text, brand: '#0f766e' })
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(png.readUInt32BE(16)).toBe(1200)
    expect(png.readUInt32BE(20)).toBe(630)
  })
})
