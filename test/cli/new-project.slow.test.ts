import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT, runCli } from './helpers'

// The slow CI step (`npm run test:slow`, issue 14): a project made by `quickscale init`, a feature made
// by `quickscale generate feature`, and then that project's whole `npm test` — workerd, CLI and Chromium
// projects, its own Postgres and wrangler dev — exactly as its developer would run it.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-new-project-'))
// As root, the project's embedded Postgres runs as the `postgres` user, who must reach its binaries here.
fs.chmodSync(work, 0o755)
const project = path.join(work, 'app')

afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

function run(command: string, args: string[], cwd: string, timeout = 1_500_000): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', CI: 'true' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: `${stdout}${stderr}` })
    })
  })
}

describe('a new project from quickscale init, with a generated feature', () => {
  it('passes its own typecheck and its whole npm test', async () => {
    expect((await runCli(['init', project, '--name', 'generated-app'])).code).toBe(0)
    // Hard links: the installed packages without copying 500 MB (`npm ci` would need the registry).
    expect((await run('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(project, 'node_modules')], work)).code).toBe(0)
    expect((await run('node', ['scripts/vendor-assets.mjs'], project)).code).toBe(0)

    const gen = await runCli(['generate', 'feature', 'team-notes', '--metered', 'team notes', '--limit', 'free=2,pro=1000'], { cwd: project })
    expect(gen.stderr).toBe('')
    expect(gen.code).toBe(0)

    const typecheck = await run('npx', ['tsc', '--noEmit'], project)
    expect(typecheck.output).toBe('')
    expect(typecheck.code).toBe(0)

    // The README's test command: the generated feature's tests, the registry, malformed-forms and
    // boundary tests with the feature in them, and everything the starter ships.
    const tests = await run('npm', ['test'], project)
    const summary = tests.output.match(/Test Files\s+.*\n\s+Tests\s+.*/)?.[0] ?? tests.output.slice(-3000)
    console.log(`generated project's npm test:\n${summary}`)
    expect(tests.output).toContain('test/team-notes/team-notes.test.ts')
    // Every failing test by name first (the tail alone may show only the last of several).
    const failures = tests.output.split('\n').filter((line) => /^\s*(FAIL|×)\s/.test(line.replace(/\x1b\[[0-9;]*m/g, ''))).join('\n')
    expect(tests.code, `${failures}\n…\n${tests.output.slice(-4000)}`).toBe(0)
  }, 1_800_000)
})
