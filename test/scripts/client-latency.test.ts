import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// @ts-expect-error plain .mjs dev script
import { startClientLatencyProxy } from '../../scripts/client-latency-proxy.mjs'

// QS_CLIENT_RTT_MS (scripts/client-latency-proxy.mjs): the simulated browser↔Worker distance, the
// counterpart of the bridge's QS_DB_RTT_MS (test/scripts/db-latency.test.ts). The model is checked through
// an injected delay that records what it is asked to wait, and once against the clock as a lower bound only.
type Proxy = { url: string; close: () => Promise<void>; stats: () => Record<string, number>; resetStats: () => void; setRtt: (ms: number) => void }
let app: http.Server
let target: { host: string; port: number }

beforeAll(async () => {
  // An app that answers in three chunks, a little apart, so order and completeness are checked too.
  app = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write(`${req.url}:one,`)
    setTimeout(() => { res.write('two,'); setTimeout(() => res.end('three'), 5) }, 5)
  })
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', () => r()))
  target = { host: '127.0.0.1', port: (app.address() as { port: number }).port }
})
afterAll(async () => {
  await new Promise((r) => app.close(r))
})

function get(url: string, agent: http.Agent): Promise<{ body: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (d) => { body += d })
      res.on('end', () => resolve({ body, reused: req.reusedSocket }))
    })
    req.on('error', reject)
  })
}

describe('the browser↔Worker latency knob', () => {
  it('a new connection pays the handshake and half an RTT each way; a reused one half an RTT each way', async () => {
    const waits: number[] = []
    const proxy: Proxy = await startClientLatencyProxy({ target, rttMs: 40, delay: async (ms: number) => { waits.push(ms) } })
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    try {
      const first = await get(`${proxy.url}/a`, agent)
      expect(first).toEqual({ body: '/a:one,two,three', reused: false })
      // Toward the app: one RTT of handshake plus half for the request. Back: half per chunk, each chunk
      // due half an RTT after it left the app (however the app's writes are split into chunks).
      expect(waits[0]).toBe(60)
      expect(waits.length).toBeGreaterThan(1)
      expect(waits.slice(1).every((ms) => ms === 20)).toBe(true)
      waits.length = 0
      const second = await get(`${proxy.url}/b`, agent)
      expect(second).toEqual({ body: '/b:one,two,three', reused: true })
      expect(waits[0]).toBe(20)
      expect(waits.length).toBeGreaterThan(1)
      expect(waits.every((ms) => ms === 20)).toBe(true)
      // Counted: one handshake and two request flights on one connection.
      expect(proxy.stats()).toMatchObject({ connections: 1, flights: 2, roundTrips: 3 })
    } finally {
      agent.destroy()
      await proxy.close()
    }
  })

  it('against the clock: a request takes at least one RTT, at least two on a new connection', async () => {
    const rtt = 30
    const proxy: Proxy = await startClientLatencyProxy({ target, rttMs: rtt })
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    try {
      // Lower bounds only (AGENTS.md: time belongs in bench/); 1 ms for timer rounding.
      let start = performance.now()
      const first = await get(`${proxy.url}/x`, agent)
      const firstMs = performance.now() - start
      start = performance.now()
      const second = await get(`${proxy.url}/y`, agent)
      const secondMs = performance.now() - start
      expect([first.reused, second.reused]).toEqual([false, true])
      expect(firstMs).toBeGreaterThanOrEqual(2 * rtt - 1)
      expect(secondMs).toBeGreaterThanOrEqual(rtt - 1)
      expect(second.body).toBe('/y:one,two,three')
    } finally {
      agent.destroy()
      await proxy.close()
    }
  })

  it('no distance, no waiting; the distance can change between requests', async () => {
    const waits: number[] = []
    const proxy: Proxy = await startClientLatencyProxy({ target, rttMs: 0, delay: async (ms: number) => { waits.push(ms) } })
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    try {
      await get(`${proxy.url}/z`, agent)
      expect(waits.length).toBeGreaterThan(0)
      expect(waits.every((ms) => ms === 0)).toBe(true)
      waits.length = 0
      proxy.setRtt(10)
      expect((await get(`${proxy.url}/z`, agent)).body).toBe('/z:one,two,three')
      expect(waits[0]).toBe(5)
    } finally {
      agent.destroy()
      await proxy.close()
    }
  })
})
