// Placement, measured (issue 18, item 6; docs/decisions/0085-placement.md): the same pages for a user far
// from the database, with the Worker near the user (the default: short browser↔Worker trip, long
// Worker↔database trips) and near the database (what Smart Placement does: the other way round), plus a
// user near the database for reference. The browser↔Worker distance is scripts/client-latency-proxy.mjs
// (QS_CLIENT_RTT_MS), the Worker↔database distance scripts/ws-bridge.mjs (QS_DB_RTT_MS), both changed
// between scenarios in one run. `BENCH_PLACEMENT=1 npm run bench` (or `=only`: without the throughput part).
import http from 'node:http'
import { startClientLatencyProxy } from '../scripts/client-latency-proxy.mjs'

export function placementScenarios({ near, far }) {
  return [
    { key: 'nearUser', label: 'Worker near the user', clientRtt: near, dbRtt: far },
    { key: 'nearDb', label: 'Worker near the database (Smart Placement)', clientRtt: far, dbRtt: near },
    { key: 'userAtDb', label: 'user near the database (reference)', clientRtt: near, dbRtt: near },
  ]
}

function timedGet(url, headers, agent) {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    const req = http.get(url, { agent, headers }, (res) => {
      res.resume()
      res.on('end', () => resolve({ ms: performance.now() - start, status: res.statusCode, reused: req.reusedSocket }))
    })
    req.on('error', reject)
  })
}

const percentile = (sorted, p) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]

/**
 * `db` is the local database (setRtt, resetStats, stats), `appUrl` the product's wrangler dev. Requests go
 * one at a time over one kept-alive connection (latency, not throughput); a request that had to open a new
 * connection is left out of the figures and counted (it would add the handshake, which in production ends
 * at the Cloudflare location nearest the user whatever the placement). Scenarios alternate in `rounds`, so
 * that background load on a shared machine falls on all of them alike.
 */
export async function measurePlacement({ db, appUrl, pages, near = 5, far = 80, requests = 30, rounds = 3 }) {
  const app = new URL(appUrl)
  const proxy = await startClientLatencyProxy({ target: { host: app.hostname, port: Number(app.port) } })
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const scenarios = placementScenarios({ near, far })
  const samples = new Map(pages.flatMap((p) => scenarios.map((s) => [`${s.key} ${p.path}`, []])))
  const trips = new Map()
  let newConnections = 0
  let failures = 0
  const url = (page) => new URL(page.path, proxy.url).toString()
  try {
    // Exact counts, at no distance: database round trips (the bridge) and browser round trips (the proxy).
    db.setRtt(0)
    for (const page of pages) {
      for (let i = 0; i < 2; i++) await timedGet(url(page), page.headers, agent)
      db.resetStats()
      proxy.resetStats()
      const res = await timedGet(url(page), page.headers, agent)
      if (res.status !== 200) failures++
      trips.set(page.path, { db: db.stats().roundTrips, client: proxy.stats().roundTrips, status: res.status })
    }
    const perRound = Math.max(1, Math.ceil(requests / rounds))
    for (let round = 0; round < rounds; round++) {
      for (const scenario of scenarios) {
        proxy.setRtt(scenario.clientRtt)
        db.setRtt(scenario.dbRtt)
        for (const page of pages) {
          // Untimed: reopens the connection if the server closed it while idle.
          await timedGet(url(page), page.headers, agent)
          for (let i = 0; i < perRound; i++) {
            const res = await timedGet(url(page), page.headers, agent)
            if (res.status !== 200) failures++
            if (!res.reused) { newConnections++; continue }
            samples.get(`${scenario.key} ${page.path}`).push(res.ms)
          }
        }
      }
    }
  } finally {
    agent.destroy()
    await proxy.close()
    db.setRtt(0)
  }
  const rows = pages.map((page) => {
    const row = { label: page.label, path: page.path, ...trips.get(page.path) }
    for (const s of scenarios) {
      const sorted = samples.get(`${s.key} ${page.path}`).sort((a, b) => a - b)
      row[s.key] = { p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), n: sorted.length }
    }
    return row
  })
  return { near, far, scenarios, rows, newConnections, failures }
}

const pad = (s, n) => String(s).padEnd(n)
const ms = (v) => (v === undefined ? 'n/a' : `${Math.round(v)}`)

export function printPlacement(result) {
  const { near, far, scenarios, rows } = result
  console.log('')
  console.log(`placement: a user ${far} ms from the database; "near" = ${near} ms. One request at a time, kept-alive connection; p50 / p90 in ms`)
  for (const s of scenarios) console.log(`  ${pad(s.label, 46)} browser↔Worker ${s.clientRtt} ms, Worker↔database ${s.dbRtt} ms`)
  console.log(`${pad('page', 30)}${pad('browser / DB trips', 20)}${scenarios.map((s) => pad(s.key, 14)).join('')}near DB − near user (p50)`)
  for (const r of rows) {
    const cells = scenarios.map((s) => pad(`${ms(r[s.key].p50)} / ${ms(r[s.key].p90)}`, 14)).join('')
    const delta = r.nearDb.p50 - r.nearUser.p50
    console.log(`${pad(r.label, 30)}${pad(`${r.client} / ${r.db}`, 20)}${cells}${delta >= 0 ? '+' : '−'}${Math.abs(Math.round(delta))} ms`)
  }
  console.log(`placement: ${rows[0] ? rows[0].nearUser.n : 0} timed requests per page and scenario; ${result.newConnections} left out for opening a new connection; ${result.failures} not 200`)
}
