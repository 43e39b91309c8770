import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
// @ts-expect-error plain .mjs dev script
import { startWsBridge } from '../../scripts/ws-bridge.mjs'

// QS_DB_RTT_MS (scripts/ws-bridge.mjs): the simulated Worker↔database distance. The delay function is
// injected and records what it was asked to wait, so the model is checked without measuring time.
type Bridge = { proxy: string; sqlEndpoint: string; close: () => Promise<void>; stats: () => Record<string, number>; resetStats: () => void; setRtt: (ms: number) => void }
let bridge: Bridge
let echo: net.Server
let echoPort: number
const waits: number[] = []

beforeAll(async () => {
  echo = net.createServer((socket) => socket.pipe(socket))
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()))
  echoPort = (echo.address() as net.AddressInfo).port
  bridge = await startWsBridge({ port: 0, rttMs: 20, delay: async (ms: number) => { waits.push(ms) } })
})
afterAll(async () => {
  await bridge.close()
  await new Promise((r) => echo.close(r))
})

describe('the latency knob and round-trip counters', () => {
  it('a WebSocket pays the TCP handshake and the upgrade, then half an RTT each way per flight', async () => {
    waits.length = 0
    bridge.resetStats()
    const ws = new WebSocket(`ws://${bridge.proxy}?address=127.0.0.1:${echoPort}`)
    await new Promise((r) => ws.once('open', r))
    // New connection: one RTT for the handshake plus half for the request, half for the 101 back.
    expect(waits).toEqual([30, 10])
    const reply = new Promise((r) => ws.once('message', r))
    ws.send(Buffer.from([1, 2, 3]))
    await reply
    expect(waits).toEqual([30, 10, 10, 10])
    expect(bridge.stats()).toMatchObject({ tcpConnections: 1, wsUpgrades: 1, wsFlights: 1, roundTrips: 3 })
    // Two messages before any answer are one flight (pipelining), not two.
    const second = new Promise((r) => ws.once('message', r))
    ws.send(Buffer.from([4]))
    ws.send(Buffer.from([5]))
    await second
    expect(bridge.stats().wsFlights).toBe(2)
    ws.close()
  })

  it('an HTTP query waits at least one RTT (more on a new connection) and counts one round trip', async () => {
    // A bridge of its own: the previous test's closing sockets still pass through the first one's lanes.
    const own: number[] = []
    const http: Bridge = await startWsBridge({ port: 0, rttMs: 20, delay: async (ms: number) => { own.push(ms) } })
    const post = () => fetch(http.sqlEndpoint, {
      method: 'POST',
      headers: { 'neon-connection-string': `postgresql://u:p@127.0.0.1:1/db` },
      body: JSON.stringify({ query: 'select 1', params: [] }),
    }).then(async (res) => { await res.text(); return res }) // read to the end, so the connection is reused
    // Nothing listens on port 1: a 500, as Neon answers when the compute cannot be reached (ADR 0009).
    expect((await post()).status).toBe(500)
    expect(own).toEqual([30, 10])
    expect((await post()).status).toBe(500)
    // Whether the client reused the connection or not, every query and every handshake cost one full RTT.
    const stats = http.stats()
    expect(stats.httpRequests).toBe(2)
    expect(stats.roundTrips).toBe(stats.httpRequests + stats.tcpConnections)
    expect(own.reduce((a, b) => a + b, 0)).toBe(20 * stats.roundTrips)
    await http.close()
  })

  it('serves only loopback databases on POST /sql and nothing else over plain HTTP', async () => {
    const res = await fetch(bridge.sqlEndpoint, { method: 'POST', headers: { 'neon-connection-string': 'postgresql://u:p@10.0.0.1:5432/db' }, body: '{"query":"select 1","params":[]}' })
    expect(res.status).toBe(403)
    expect((await fetch(bridge.sqlEndpoint.replace('/sql', '/other'))).status).toBe(426)
  })

  it('no distance, no waiting', async () => {
    waits.length = 0
    bridge.setRtt(0)
    const ws = new WebSocket(`ws://${bridge.proxy}?address=127.0.0.1:${echoPort}`)
    await new Promise((r) => ws.once('open', r))
    ws.close()
    expect(waits.every((ms) => ms === 0)).toBe(true)
    bridge.setRtt(20)
  })
})
