import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT, runCli } from './helpers'

// `npm run test:slow` (ADR 0072): a metered feature generated into a fresh `quickscale init` project, then
// that project's typecheck and its own workers tests of the feature — which show the meter on /usage with
// the Free plan's limit from the migration, and the usage meter's 429 past it — with the boundary test
// its imports must satisfy. Two to four minutes on two cores (a workerd and an embedded Postgres of the
// project's own), so not in `npm test`; generate.test.ts keeps the files, the migrations and the
// malformed-forms listing, this is the one typecheck of a generated feature, and new-project.slow.test.ts
// runs the whole suite.
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-cli-metered-'))
// As root, the project's embedded Postgres runs as the `postgres` user, who must reach its binaries here.
fs.chmodSync(work, 0o755)
const project = path.join(work, 'app')

afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

function run(command: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 900_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', CI: 'true' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: `${stdout}${stderr}` })
    })
  })
}

describe('quickscale generate feature --metered, end to end', () => {
  it("generates a feature whose meter reads the plan's limit, shows on /usage and refuses past it", async () => {
    expect((await runCli(['init', project, '--name', 'metered-app'])).code).toBe(0)
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'))
    // What `npm install`'s postinstall does: public/vendor/ and the asset hashes the sources import (ADR 0105).
    expect((await run('node', ['scripts/vendor-assets.mjs'], project)).code).toBe(0)

    const gen = await runCli(['generate', 'feature', 'reports', '--metered', 'report exports', '--limit', 'free=3,pro=1000,business=unlimited'], { cwd: project })
    expect(gen.stderr).toBe('')
    expect(gen.code).toBe(0)

    const typecheck = await run('npx', ['tsc', '--noEmit'], project)
    expect(typecheck.output).toBe('')
    expect(typecheck.code).toBe(0)

    const tests = await run('npx', ['vitest', 'run', '--project', 'workers', '--project', 'scripts', 'test/reports/', 'test/scripts/feature-boundaries.test.ts', '--reporter', 'verbose'], project)
    const output = tests.output.replace(/\x1b\[[0-9;]*m/g, '')
    const failures = output.split('\n').filter((line) => /^\s*(FAIL|×)\s/.test(line)).join('\n')
    expect(tests.code, `${failures}\n…\n${output.slice(-6000)}`).toBe(0)
    // Ran and passed (not skipped: Free has 3), by name.
    for (const title of ["shows its meter on /usage with the plan's limit", "refuses an item past the plan limit with the usage meter's 429 and upgrade message", 'adds an item and lists it for its owner only (authorization)']) {
      expect(output).toMatch(new RegExp(`✓ .*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
    }
    expect(output).toMatch(/Tests\s+\d+ passed/)
    expect(output).not.toMatch(/skipped/)
  }, 1_200_000)
})
