import { AsyncLocalStorage } from 'node:async_hooks'
import { vi } from 'vitest'
import { requestSettled } from './http'

// Test files share one isolate (ADR 0080): a queue consumer or waitUntil task left by an earlier file can
// query the database while a page is measured. Only work started inside `measure` is counted: the async
// context follows the page's own code down to its fetch and WebSocket calls, and nobody else's.
const scope = new AsyncLocalStorage<symbol>()

/**
 * Counts database round trips at the transport: every POST to the Neon SQL-over-HTTP endpoint (one round
 * trip each, however many queries it carries) and every WebSocket the driver opens (a connection costs
 * several round trips before its first query), made by code run inside `measure`. Nothing is replaced:
 * requests still go to the real endpoint and the real Postgres.
 */
export function countDatabaseRoundTrips() {
  const mine = Symbol('round-trip count')
  const http: string[] = []
  const sockets: string[] = []
  const realFetch = globalThis.fetch
  const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url
    if (scope.getStore() === mine && new URL(url).pathname === '/sql') http.push(typeof init?.body === 'string' ? init.body : url)
    return realFetch(input, init)
  })
  const RealWebSocket = globalThis.WebSocket
  const socketSpy = vi.spyOn(globalThis, 'WebSocket').mockImplementation(function (this: unknown, url: string | URL, protocols?: string | string[]) {
    if (scope.getStore() === mine) sockets.push(String(url))
    return new RealWebSocket(String(url), protocols)
  } as unknown as typeof WebSocket)
  return {
    /** HTTP queries (batches count once) plus opened WebSockets. */
    get total() { return http.length + sockets.length },
    http,
    sockets,
    /** Runs `fn` with its transport calls counted. */
    measure<T>(fn: () => Promise<T>): Promise<T> {
      return scope.run(mine, fn)
    },
    /**
     * GET a page through the Worker's own fetch handler, in this context (a request through
     * `exports.default` would run in a context of its own, out of sight), to the end of its body.
     */
    page(path: string, cookie?: string): Promise<{ status: number; html: string }> {
      return scope.run(mine, async () => {
        const res = await requestSettled(path, { headers: cookie ? { cookie } : {} })
        return { status: res.status, html: await res.text() }
      })
    },
    restore() {
      fetchSpy.mockRestore()
      socketSpy.mockRestore()
    },
  }
}
