import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
// @ts-expect-error plain .mjs dev script
import { startWsBridge } from '../../scripts/ws-bridge.mjs'
// @ts-expect-error plain .mjs dev script
import { freePort } from '../../scripts/local-db.mjs'

// The dev/test bridge between the Neon driver and a local Postgres, tested against a TCP echo server.
let bridge: { port: number; proxy: string; close: () => Promise<void> }
let echo: net.Server
let echoPort: number

beforeAll(async () => {
  echo = net.createServer((socket) => socket.pipe(socket))
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()))
  echoPort = (echo.address() as net.AddressInfo).port
  bridge = await startWsBridge({ port: 0 })
})
afterAll(async () => {
  await bridge.close()
  await new Promise((r) => echo.close(r))
})

function connect(address: string): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://${bridge.proxy}?address=${address}`)
    ws.once('open', () => resolve({ ws }))
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }))
    ws.once('error', () => resolve({}))
  })
}

describe('scripts/ws-bridge.mjs', () => {
  it('pipes binary frames to the TCP target and back', async () => {
    const { ws } = await connect(`127.0.0.1:${echoPort}`)
    expect(ws).toBeDefined()
    const reply = new Promise<Buffer>((r) => ws!.once('message', (d) => r(d as Buffer)))
    ws!.send(Buffer.from([0, 1, 2, 250]))
    expect([...(await reply)]).toEqual([0, 1, 2, 250])
    ws!.close()
  })

  it('refuses targets other than loopback (never an open relay)', async () => {
    expect((await connect('10.0.0.1:5432')).status).toBe(403)
    expect((await connect('example.com:5432')).status).toBe(403)
    expect((await connect('127.0.0.1:notaport')).status).toBe(403)
  })

  it('answers 502 instead of opening a socket when nothing listens (database down)', async () => {
    expect((await connect(`127.0.0.1:${await freePort()}`)).status).toBe(502)
  })

  it('closes the WebSocket when the target closes the connection', async () => {
    const server = net.createServer((socket) => socket.end())
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    const { ws } = await connect(`127.0.0.1:${(server.address() as net.AddressInfo).port}`)
    expect(ws).toBeDefined()
    // We never close it: the bridge does, with a close frame (1005, no status), not a dropped peer (1006).
    const code = await new Promise<number>((r) => ws!.once('close', (c: number) => r(c)))
    expect(code).toBe(1005)
    expect(ws!.readyState).toBe(WebSocket.CLOSED)
    await new Promise((r) => server.close(r))
  })
})
