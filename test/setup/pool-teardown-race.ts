/**
 * A race in @cloudflare/vitest-plugin 1.5.1's pool (node_modules/@cloudflare/vitest-plugin/dist/pool/index.mjs,
 * CloudflarePoolWorker): `stop()` drops the runner's WebSocket before its message listener is removed, and the
 * listener asserts the socket is still there. A runtime that sends one more message while it is being stopped
 * (a module fetch from background work of the runner's last file: a queue batch, a Durable Object alarm)
 * makes that assertion throw inside an event listener, which ends vitest's main process with no report
 * ("AssertionError: Message received from Worker before initialisation", seen once in about thirty runs
 * here, 2026-12-05). The message was for a runtime whose files have all finished and that is being disposed,
 * so nothing would ever answer it: dropping it is what the pool should do. Any other uncaught exception
 * ends the process as Node does without a listener.
 *
 * Installed once per process, by the workerd projects' global setup (vitest's main process).
 */
const LATE_MESSAGE = 'Message received from Worker before initialisation'
const INSTALLED = Symbol.for('quickscale.test.pool-teardown-race')
type WithFlag = typeof globalThis & { [INSTALLED]?: true }

export function isLateRunnerMessage(err: unknown): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === 'ERR_ASSERTION' && err.message === LATE_MESSAGE
}

export function ignoreLateRunnerMessages(): void {
  const g = globalThis as WithFlag
  if (g[INSTALLED]) return
  g[INSTALLED] = true
  process.on('uncaughtException', (err) => {
    if (isLateRunnerMessage(err)) {
      console.warn('vitest pool: dropped a message from a workerd runner that was being stopped (test/setup/pool-teardown-race.ts)')
      return
    }
    // What Node does with an uncaught exception when no listener is installed: print it, exit 1.
    console.error(err)
    process.exit(1)
  })
}
