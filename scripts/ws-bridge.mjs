// WebSocket→TCP bridge: lets @neondatabase/serverless (which speaks Postgres over a WebSocket, as
// Neon's proxy expects) reach a plain local Postgres. Dev and test only; production talks to Neon.
import net from 'node:net'
import { WebSocketServer } from 'ws'

const ALLOWED_HOSTS = new Set(['127.0.0.1', 'localhost', '::1'])

export function startWsBridge({ port = 0, host = '127.0.0.1' } = {}) {
  const server = new WebSocketServer({ port, host })
  server.on('connection', (ws, req) => {
    const url = new URL(req.url ?? '/', 'ws://bridge')
    const address = url.searchParams.get('address') ?? ''
    const sep = address.lastIndexOf(':')
    const targetHost = address.slice(0, sep)
    const targetPort = Number(address.slice(sep + 1))
    // Only loopback targets: the bridge must never become an open relay.
    if (!ALLOWED_HOSTS.has(targetHost) || !Number.isInteger(targetPort)) {
      ws.close(1008, 'target not allowed')
      return
    }
    const socket = net.connect(targetPort, targetHost)
    socket.setNoDelay(true)
    ws.on('message', (data) => socket.write(data))
    socket.on('data', (chunk) => {
      if (ws.readyState === ws.OPEN) ws.send(chunk)
    })
    ws.on('close', () => socket.destroy())
    ws.on('error', () => socket.destroy())
    socket.on('close', () => ws.close())
    socket.on('error', () => ws.close())
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.once('listening', () => {
      const { port: actual } = server.address()
      resolve({
        port: actual,
        // What the worker puts in NEON_WS_PROXY: the Neon driver prefixes ws:// and appends ?address=.
        proxy: `${host}:${actual}/v2`,
        close: () => new Promise((r) => {
          for (const client of server.clients) client.terminate()
          server.close(() => r())
        }),
      })
    })
  })
}
