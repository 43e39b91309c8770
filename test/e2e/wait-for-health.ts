/**
 * Resolves once `url` answers with a status below 500: how the browser tests know a `wrangler dev` is up
 * (the run's own in ./global-setup.ts and ./app-ready.ts, the restarted one in test/dev-server/usage-restart.test.ts).
 * wrangler's proxy holds a request until the Worker is ready, so no single request waits long. `check`
 * runs before each attempt and throws to give up at once (the process exited, it reported an error, the
 * setup wrote down why it failed); `detail` adds what to read to the timeout's message.
 */
export async function waitForHealth(url: string, options: { timeoutMs: number; check?: () => void; detail?: () => string }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs
  while (Date.now() < deadline) {
    options.check?.()
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(5_000) })).status < 500) return
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`wrangler dev did not answer ${url} within ${options.timeoutMs} ms${options.detail ? `:\n${options.detail()}` : ''}`)
}
