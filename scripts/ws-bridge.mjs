// WebSocket→TCP bridge: lets @neondatabase/serverless (which speaks Postgres over a WebSocket, as
// Neon's proxy expects) reach a plain local Postgres. The same port answers POST /sql in Neon's
// SQL-over-HTTP protocol (scripts/sql-over-http.mjs). Dev and test only; production talks to Neon.
//
// Distance: `rttMs` (QS_DB_RTT_MS) simulates the edge-to-region round trip. Every flight between the
// Worker and the database waits rttMs/2 in each direction, and a new TCP connection costs one more
// rttMs before its first request (the handshake), so a query can never take less than one RTT.
// `stats()` counts round trips: TCP handshakes, HTTP requests, the WebSocket upgrade and every flight of
// Postgres messages the Worker sends after an answer (one per protocol turn, pipelined messages count once).
import http from 'node:http'
import net from 'node:net'
import { createRequire } from 'node:module'

// Node's build of `ws` whoever imports this file: vitest 5 loads a workers project's globalSetup with
// that project's resolve conditions (workerd/browser), under which `import 'ws'` is the browser stub.
const { WebSocketServer } = createRequire(import.meta.url)('ws')
import { createSqlOverHttp, writeSqlResult } from './sql-over-http.mjs'

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

const sleep = (ms) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve())

const emptyStats = () => ({ roundTrips: 0, tcpConnections: 0, httpRequests: 0, wsUpgrades: 0, wsFlights: 0 })

/**
 * One direction of a link: each chunk is due `rtt/2` after it arrived, and chunks leave in order (a burst
 * is not serialised into several half-RTTs).
 */
function createLane(halfRtt, delay) {
  let last = Promise.resolve()
  return (deliver) => {
    const due = delay(halfRtt())
    last = Promise.all([last, due]).then(deliver, deliver)
  }
}

// `sqlLimits` ({maxResponseBytes, statementTimeoutMs}) overrides Neon's limits on POST /sql (scripts/sql-over-http.mjs).
export function startWsBridge({ port = 0, host = '127.0.0.1', rttMs = 0, delay = sleep, sqlLimits = {} } = {}) {
  let rtt = Math.max(0, Number(rttMs) || 0)
  let stats = emptyStats()
  const halfRtt = () => rtt / 2
  const sql = createSqlOverHttp({ ...sqlLimits, allowHost: (h) => ALLOWED_HOSTS.has(h) })
  const wss = new WebSocketServer({ noServer: true })
  // The first request on a new connection pays for the TCP handshake before its own flight.
  const arrival = (req) => {
    const fresh = req.socket.qsFresh === true
    req.socket.qsFresh = false
    return delay((fresh ? rtt : 0) + halfRtt())
  }
  const server = http.createServer(async (req, res) => {
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://bridge').pathname !== '/sql') return res.writeHead(426).end()
    stats.roundTrips++
    stats.httpRequests++
    await arrival(req)
    const out = await sql.handle(req).catch((err) => ({ status: 500, text: String(err?.message ?? err) }))
    await delay(halfRtt())
    writeSqlResult(res, out)
  })
  server.on('connection', (socket) => {
    socket.qsFresh = true
    socket.setNoDelay(true)
    stats.roundTrips++
    stats.tcpConnections++
  })
  server.on('upgrade', async (req, socket, head) => {
    const target = parseTarget(req.url)
    // Only loopback targets: the bridge must never become an open relay.
    if (!ALLOWED_HOSTS.has(target.host) || !Number.isInteger(target.port)) return refuse(socket, '403 Forbidden')
    stats.roundTrips++
    stats.wsUpgrades++
    await arrival(req)
    // Connect to Postgres before accepting the WebSocket: when the database is down the driver sees a
    // failed connection attempt (as with Neon), not an open socket that closes under its first write.
    const tcp = net.connect(target.port, target.host)
    tcp.once('error', () => delay(halfRtt()).then(() => refuse(socket, '502 Bad Gateway')))
    tcp.once('connect', async () => {
      tcp.removeAllListeners('error')
      tcp.setNoDelay(true)
      await delay(halfRtt())
      wss.handleUpgrade(req, socket, head, (ws) => {
        const toDatabase = createLane(halfRtt, delay)
        const toWorker = createLane(halfRtt, delay)
        let awaitingAnswer = false
        ws.on('message', (data) => {
          if (!awaitingAnswer) { stats.roundTrips++; stats.wsFlights++; awaitingAnswer = true }
          toDatabase(() => { if (!tcp.destroyed) tcp.write(data) })
        })
        tcp.on('data', (chunk) => {
          awaitingAnswer = false
          toWorker(() => { if (ws.readyState === ws.OPEN) ws.send(chunk) })
        })
        ws.on('close', () => toDatabase(() => tcp.destroy()))
        ws.on('error', () => tcp.destroy())
        tcp.on('close', () => toWorker(() => ws.close()))
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
        // Where the Neon driver's HTTP transport posts queries (db.ts derives it from NEON_WS_PROXY).
        sqlEndpoint: `http://${host}:${actual}/sql`,
        stats: () => ({ ...stats }),
        resetStats: () => { stats = emptyStats() },
        setRtt: (ms) => { rtt = Math.max(0, Number(ms) || 0) },
        rtt: () => rtt,
        // A close frame first (the worker's driver sees a normal closure, not a dropped peer), then
        // whatever is left after a short grace period is cut.
        close: async () => {
          for (const client of wss.clients) client.close(1001, 'bridge stopping')
          await new Promise((r) => setTimeout(r, wss.clients.size > 0 ? 200 : 0))
          for (const client of wss.clients) client.terminate()
          server.closeAllConnections?.()
          await new Promise((r) => server.close(() => r()))
          await sql.close()
        },
      })
    })
  })
}
