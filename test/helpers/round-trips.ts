import { vi } from 'vitest'

/**
 * Counts the Worker's database round trips at the transport: every POST to the Neon SQL-over-HTTP endpoint
 * (one round trip each, however many queries it carries) and every WebSocket the driver opens (a
 * connection costs several round trips before its first query). Nothing is replaced: requests still go to
 * the real endpoint and the real Postgres.
 */
export function countDatabaseRoundTrips() {
  const http: string[] = []
  const sockets: string[] = []
  const realFetch = globalThis.fetch
  const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url
    if (new URL(url).pathname === '/sql') http.push(typeof init?.body === 'string' ? init.body : url)
    return realFetch(input, init)
  })
  const RealWebSocket = globalThis.WebSocket
  const socketSpy = vi.spyOn(globalThis, 'WebSocket').mockImplementation(function (this: unknown, url: string | URL, protocols?: string | string[]) {
    sockets.push(String(url))
    return new RealWebSocket(String(url), protocols)
  } as unknown as typeof WebSocket)
  return {
    /** HTTP queries (batches count once) plus opened WebSockets. */
    get total() { return http.length + sockets.length },
    http,
    sockets,
    restore() {
      fetchSpy.mockRestore()
      socketSpy.mockRestore()
    },
  }
}
