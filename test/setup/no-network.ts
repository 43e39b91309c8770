import { afterAll, afterEach, expect, vi } from 'vitest'

/**
 * Tests are hermetic: no request leaves the machine. Every fetch to a host other than this machine is
 * refused and recorded, and the test that made it fails — even where the code under test would swallow
 * the error (the breach check fails open). Third-party HTTP (HIBP, Resend, Stripe) is faked with
 * `vi.spyOn(globalThis, 'fetch')` on top of this guard; vi.restoreAllMocks() comes back to the guard.
 */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])
const GUARD = Symbol.for('quickscale.test.no-network')
type Guarded = typeof globalThis & { [GUARD]?: string[] }
// Installed once per isolate: test files share one (isolate: false), and a guard around a guard would
// make every fetch pay once per file that ran before it.
const attempts: string[] = ((globalThis as Guarded)[GUARD] ??= installGuard())

function installGuard(): string[] {
  const realFetch = globalThis.fetch
  const attempts: string[] = []
  globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    if (!LOCAL_HOSTS.has(url.hostname)) {
      attempts.push(`${url.protocol}//${url.host}${url.pathname}`)
      throw new TypeError(`network access in a test: ${url.host} (fake it at the fetch boundary)`)
    }
    return realFetch(input, init)
  }
  return attempts
}

// A spy a file leaves on fetch would wrap every later file's requests (they share the isolate).
afterAll(() => { vi.restoreAllMocks() })

afterEach(() => {
  const made = attempts.splice(0)
  expect(made, 'outbound network requests attempted by this test').toEqual([])
})
