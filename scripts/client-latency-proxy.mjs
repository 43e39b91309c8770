// Browser↔Worker distance for local runs (QS_CLIENT_RTT_MS): a loopback TCP proxy in front of the app.
// The other half of the latency knob: scripts/ws-bridge.mjs (QS_DB_RTT_MS) simulates Worker↔database.
// Together they model where the Worker runs (docs/decisions/0085-placement.md): near the user (small
// client RTT, large database RTT) or near the database (Smart Placement: the other way round).
//
// Same model as the bridge: every chunk waits rttMs/2 in each direction, chunks leave in order (a burst
// is not serialised into several half-RTTs: propagation delay, no bandwidth limit), and a new TCP
// connection costs one more rttMs before its first bytes reach the app (the handshake). So a request
// through it never takes less than one RTT, and the first one on a new connection never less than two.
// It works at the TCP level: HTML, htmx fragments, redirects, assets and WebSockets all pay the distance.
//
// With `npm run dev` (another terminal; the app keeps answering undelayed on 8787):
//   QS_CLIENT_RTT_MS=80 node scripts/client-latency-proxy.mjs   → browse http://127.0.0.1:8788
// Knobs: QS_CLIENT_RTT_MS (default 0), QS_CLIENT_PROXY_PORT (8788), QS_CLIENT_PROXY_TARGET
// (127.0.0.1:$PORT, else 127.0.0.1:8787). Forms post fine through it (the browser sends
// Sec-Fetch-Site: same-origin); links the app builds from APP_URL (Stripe's return URLs) leave it.
import net from 'node:net'
import { fileURLToPath } from 'node:url'

const sleep = (ms) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve())

const emptyStats = () => ({ roundTrips: 0, connections: 0, flights: 0 })

/** One direction of a link: each chunk is due `ms` after it arrived; chunks leave in arrival order. */
function createLane(delay) {
  let last = Promise.resolve()
  return (ms, deliver) => {
    const due = delay(ms)
    last = Promise.all([last, due]).then(deliver, deliver)
  }
}

/**
 * `target` is the app ({ host, port }). `delay` is injectable (tests record what the model asks for
 * instead of measuring time). `stats()` counts client round trips: one per TCP handshake, one per flight
 * (bytes from the client after the app's last answer on that connection; a pipelined burst counts once).
 */
export function startClientLatencyProxy({ target, port = 0, host = '127.0.0.1', rttMs = 0, delay = sleep } = {}) {
  let rtt = Math.max(0, Number(rttMs) || 0)
  let stats = emptyStats()
  const sockets = new Set()
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    stats.roundTrips++
    stats.connections++
    const app = net.connect({ host: target.host, port: target.port, allowHalfOpen: true })
    sockets.add(client)
    sockets.add(app)
    client.setNoDelay(true)
    app.setNoDelay(true)
    const toApp = createLane(delay)
    const toClient = createLane(delay)
    let fresh = true
    let awaitingAnswer = false
    client.on('data', (chunk) => {
      if (!awaitingAnswer) { stats.roundTrips++; stats.flights++; awaitingAnswer = true }
      // The handshake: one RTT before the first bytes can leave, then their own half.
      const ms = (fresh ? rtt : 0) + rtt / 2
      fresh = false
      toApp(ms, () => { if (!app.destroyed) app.write(chunk) })
    })
    app.on('data', (chunk) => {
      awaitingAnswer = false
      toClient(rtt / 2, () => { if (!client.destroyed) client.write(chunk) })
    })
    // A half-close travels like data, behind what was sent before it.
    client.on('end', () => toApp(rtt / 2, () => app.end()))
    app.on('end', () => toClient(rtt / 2, () => client.end()))
    const drop = () => { client.destroy(); app.destroy() }
    client.on('error', drop)
    app.on('error', drop)
    client.on('close', () => { sockets.delete(client); toApp(rtt / 2, () => app.destroy()) })
    app.on('close', () => { sockets.delete(app); toClient(rtt / 2, () => client.destroy()) })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      const { port: actual } = server.address()
      resolve({
        port: actual,
        url: `http://${host}:${actual}`,
        stats: () => ({ ...stats }),
        resetStats: () => { stats = emptyStats() },
        setRtt: (ms) => { rtt = Math.max(0, Number(ms) || 0) },
        rtt: () => rtt,
        close: async () => {
          for (const s of sockets) s.destroy()
          await new Promise((r) => server.close(() => r()))
        },
      })
    })
  })
}

function parseTarget(value) {
  const sep = value.lastIndexOf(':')
  return { host: value.slice(0, sep) || '127.0.0.1', port: Number(value.slice(sep + 1)) }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const target = parseTarget(process.env.QS_CLIENT_PROXY_TARGET ?? `127.0.0.1:${process.env.PORT ?? 8787}`)
  const proxy = await startClientLatencyProxy({
    target,
    port: Number(process.env.QS_CLIENT_PROXY_PORT ?? 8788),
    rttMs: Number(process.env.QS_CLIENT_RTT_MS) || 0,
  })
  console.log(`client-latency: ${proxy.url} → ${target.host}:${target.port}, simulating a ${proxy.rtt()} ms browser↔Worker round trip (QS_CLIENT_RTT_MS); Ctrl-C stops it`)
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => proxy.close().then(() => process.exit(0)))
}
