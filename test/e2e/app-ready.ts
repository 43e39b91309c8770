import fs from 'node:fs'
import { inject } from 'vitest'

// A setup file of the browser project. `wrangler dev` starts in the background while the other projects'
// tests run (./global-setup.ts); every browser file waits for it here, once per worker process (files
// share it), and fails with the setup's reason if it did not start.

const READY = Symbol.for('quickscale.test.app-ready')
type WithReady = typeof globalThis & { [READY]?: Promise<void> }

/** Resolves once the app answers /health; fails with the setup's reason if `wrangler dev` did not start. */
async function waitForApp(baseUrl: string, failureFile: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (fs.existsSync(failureFile)) throw new Error(`wrangler dev did not start: ${fs.readFileSync(failureFile, 'utf8')}`)
    try {
      // wrangler's proxy holds a request until the Worker is ready: never wait on one for long.
      if ((await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) })).status < 500) return
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`wrangler dev did not answer ${baseUrl}/health within ${timeoutMs} ms (test-results/wrangler-dev.log)`)
}

await ((globalThis as WithReady)[READY] ??= waitForApp(inject('baseUrl'), inject('appStartupFailure')))
