// WebSocket→TCP bridge: lets @neondatabase/serverless (which speaks Postgres over a WebSocket, as
// Neon's proxy expects) reach a plain local Postgres. Dev and test only; production talks to Neon.
import http from 'node:http'
import net from 'node:net'
import { WebSocketServer } from 'ws'

const ALLOWED_HOSTS = new Set(['127.0.0.1', 'localhost', '::1'])

function parseTarget(reqUrl) {
  const url = new URL(reqUrl ?? '/', 'ws://bridge')
  const address = url.searchParams.get('address') ?? ''
  const sep = address.lastIndexOf(':')
  return { host: address.slice(0, sep), port: Number(address.slice(sep + 1)) }
}

function refuse(socket, status) {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}

export function startWsBridge({ port = 0, host = '127.0.0.1' } = {}) {
  const wss = new WebSocketServer({ noServer: true })
  const server = http.createServer((_req, res) => { res.writeHead(426).end() })
  server.on('upgrade', (req, socket, head) => {
    const target = parseTarget(req.url)
    // Only loopback targets: the bridge must never become an open relay.
    if (!ALLOWED_HOSTS.has(target.host) || !Number.isInteger(target.port)) return refuse(socket, '403 Forbidden')
    // Connect to Postgres before accepting the WebSocket: when the database is down the driver sees a
    // failed connection attempt (as with Neon), not an open socket that closes under its first write.
    const tcp = net.connect(target.port, target.host)
    tcp.once('error', () => refuse(socket, '502 Bad Gateway'))
    tcp.once('connect', () => {
      tcp.removeAllListeners('error')
      tcp.setNoDelay(true)
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (data) => tcp.write(data))
        tcp.on('data', (chunk) => { if (ws.readyState === ws.OPEN) ws.send(chunk) })
        ws.on('close', () => tcp.destroy())
        ws.on('error', () => tcp.destroy())
        tcp.on('close', () => ws.close())
        tcp.on('error', () => ws.close())
      })
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      const { port: actual } = server.address()
      resolve({
        port: actual,
        // What the worker puts in NEON_WS_PROXY: the Neon driver prefixes ws:// and appends ?address=.
        proxy: `${host}:${actual}/v2`,
        // A close frame first (the worker's driver sees a normal closure, not a dropped peer), then
        // whatever is left after a short grace period is cut.
        close: async () => {
          for (const client of wss.clients) client.close(1001, 'bridge stopping')
          await new Promise((r) => setTimeout(r, wss.clients.size > 0 ? 200 : 0))
          for (const client of wss.clients) client.terminate()
          server.closeAllConnections?.()
          await new Promise((r) => server.close(() => r()))
        },
      })
    })
  })
}
