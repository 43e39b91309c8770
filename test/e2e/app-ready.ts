import fs from 'node:fs'
import { inject } from 'vitest'
import { waitForHealth } from './wait-for-health'

// A setup file of the browser project. `wrangler dev` starts in the background while the other projects'
// tests run (./global-setup.ts); every browser file waits for it here, once per worker process (files
// share it), and fails with the setup's reason if it did not start.

const READY = Symbol.for('quickscale.test.app-ready')
type WithReady = typeof globalThis & { [READY]?: Promise<void> }

const failureFile = inject('appStartupFailure')
await ((globalThis as WithReady)[READY] ??= waitForHealth(`${inject('baseUrl')}/health`, {
  timeoutMs: 180_000,
  check: () => {
    if (fs.existsSync(failureFile)) throw new Error(`wrangler dev did not start: ${fs.readFileSync(failureFile, 'utf8')}`)
  },
  detail: () => 'see test-results/wrangler-dev.log',
}))
