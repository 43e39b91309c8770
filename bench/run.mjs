// `npm run bench`: database round trips and latency per page at 0 ms and a simulated 20 ms Worker↔database
// round trip (QS_DB_RTT_MS, scripts/ws-bridge.mjs); then throughput of the home page and the signed-in
// dashboard against a bare Hono "hello" worker with the same [assets] configuration, all served by the same
// wrangler dev / workerd in the same run; plus the size of the deployable bundle.
// Loopback only, bounded in time (about 2 minutes; a hard stop after 6 minutes).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { spawn, execFileSync } from 'node:child_process'
import autocannon from 'autocannon'
import { freePort, startLocalDatabase } from '../scripts/local-db.mjs'
import { applyMigrations } from '../scripts/migrate.mjs'
import { countRoundTrips, createBenchSession, measureLatency } from './pages.mjs'
import { createBenchApiKey } from './metered.mjs'

const DURATION = Number(process.env.BENCH_DURATION ?? 5) // seconds per round and target
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
// A busy shared machine can need longer than the usual few minutes.
const HARD_STOP_MIN = Number(process.env.BENCH_HARD_STOP_MIN ?? 6)
const RTT_MS = Number(process.env.BENCH_RTT_MS ?? 20) // the simulated distance for the latency table
const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 60)
const WRANGLER_ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', NO_COLOR: '1' }

const children = []
const tmpDirs = []
let db = null
let failedChildren = []

async function cleanup() {
  for (const child of children) {
    try { process.kill(-child.pid, 'SIGTERM') } catch { /* already gone */ }
  }
  await Promise.all(children.map((c) => c.exitCode !== null ? null : new Promise((r) => { c.once('exit', r); setTimeout(r, 5000) })))
  if (db) await db.stop().catch(() => undefined)
  for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true })
}

const hardStop = setTimeout(async () => {
  console.error(`bench: took longer than ${HARD_STOP_MIN} minutes, stopping`)
  await cleanup()
  process.exit(1)
}, HARD_STOP_MIN * 60_000)
hardStop.unref()
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, async () => { await cleanup(); process.exit(130) })

function tmpDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  tmpDirs.push(dir)
  return dir
}

async function startWranglerDev(label, args) {
  const port = await freePort()
  // Its own inspector port too: two wrangler devs starting at once otherwise race for 9229+ and one dies.
  const inspectorPort = await freePort()
  let output = ''
  const child = spawn('npx', ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort), '--show-interactive-dev-session=false', ...args], {
    detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: WRANGLER_ENV,
  })
  children.push(child)
  // Drain the output (request logs included) so a full pipe never slows the server down.
  const keep = (d) => { output = (output + d).slice(-20_000) }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  child.outputTail = () => output.slice(-3000)
  child.label = label
  const url = `http://127.0.0.1:${port}/`
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null || /\[ERROR\]/.test(output)) throw new Error(`${label}: wrangler dev failed:\n${output}`)
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) })
      if (res.status === 200) return url
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${label}: no answer from ${url} within 60 s:\n${output}`)
}

// A fixed number of requests rather than a duration: a duration-bound run cuts connections with
// responses in flight, and wrangler dev can die on the resulting broken pipe ("kj ... Broken pipe").
// The rate comes from our own clock between the first and the last response: autocannon's own
// duration is rounded to its 1 s sampling tick, which would quantise short rounds.
function load(url, amount, headers = {}) {
  return new Promise((resolve, reject) => {
    let count = 0
    let first = 0
    let last = 0
    const instance = autocannon({ url, headers, connections: CONNECTIONS, amount }, (err, result) => {
      if (err) return reject(err)
      resolve({ ...result, rate: count > 1 ? (count - 1) / ((last - first) / 1000) : 0 })
    })
    instance.on('response', () => {
      const now = performance.now()
      if (count === 0) first = now
      last = now
      count++
    })
  })
}

function summarize(label, r) {
  return {
    label,
    rps: r.rate,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
  }
}

// Other processes share this machine: the two targets alternate for several short rounds, and each
// target's best round (the least disturbed one) is reported, with the median next to it.
async function compare(targets) {
  // The warm-up also sizes each round: about DURATION seconds at the warm-up's rate.
  const amounts = []
  for (const t of targets) {
    const warm = await load(t.url, 300, t.headers)
    const rate = warm.rate
    amounts.push(Math.max(500, Math.round(rate * DURATION)))
    await load(t.url, Math.max(300, Math.round(rate * WARMUP)), t.headers)
  }
  const rounds = targets.map(() => [])
  for (let i = 0; i < ROUNDS; i++) {
    for (const [j, t] of targets.entries()) rounds[j].push(summarize(t.label, await load(t.url, amounts[j], t.headers)))
  }
  return targets.map((t, j) => {
    const sorted = [...rounds[j]].sort((a, b) => b.rps - a.rps)
    return { ...sorted[0], median: sorted[Math.floor(sorted.length / 2)].rps, rounds: rounds[j].map((r) => Math.round(r.rps)),
      non2xx: rounds[j].reduce((n, r) => n + r.non2xx, 0), errors: rounds[j].reduce((n, r) => n + r.errors, 0) }
  })
}

// The deployable bundle: measured for size, and served as-is (no_bundle) so that the bench runs exactly
// what `wrangler deploy` would upload — and so that wrangler dev's file watcher cannot rebuild the
// product mid-run when a file in the checkout changes.
function buildBundle(configPath = 'wrangler.toml') {
  const outdir = tmpDir('qs-bench-bundle-')
  const out = execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '-c', configPath, '--outdir', outdir], { env: WRANGLER_ENV, stdio: ['ignore', 'pipe', 'pipe'] }).toString()
  const wranglerSays = /Total Upload:\s*([^\n]+)/.exec(out)?.[1]?.trim() ?? 'n/a'
  const files = fs.readdirSync(outdir, { recursive: true })
    .map((f) => path.join(outdir, String(f)))
    .filter((f) => fs.statSync(f).isFile() && !f.endsWith('.map') && !f.endsWith('README.md'))
  let raw = 0
  let gzip = 0
  for (const file of files) {
    const bytes = fs.readFileSync(file)
    raw += bytes.length
    gzip += zlib.gzipSync(bytes, { level: 9 }).length
  }
  const config = fs.readFileSync(configPath, 'utf8')
    .replace(/^main\s*=.*$/m, `main = ${JSON.stringify(files.map((f) => path.basename(f)).find((f) => f.endsWith('.js')))}\nno_bundle = true`)
    .replace(/^(directory\s*=\s*)"([^"]+)"/m, (_m, key, dir) => `${key}${JSON.stringify(path.resolve(path.dirname(configPath), dir))}`)
    // Aliases only matter while bundling.
    .replace(/^\[alias\]\n(?:[^[\n].*\n?)*/m, '')
  fs.writeFileSync(path.join(outdir, 'wrangler.toml'), config)
  return { outdir, files: files.map((f) => path.relative(outdir, f)), raw, gzip, wranglerSays }
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`
const pad = (s, n) => String(s).padEnd(n)

try {
  console.log(`bench: ${CONNECTIONS} connections, ${WARMUP} s warm-up, then ${ROUNDS} alternating rounds of ${DURATION} s per target, loopback only`)
  console.log(`bench: load average before start ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`)
  db = await startLocalDatabase({
    dataDir: path.join(tmpDir('qs-bench-pg-'), 'data'),
    port: await freePort(),
    bridgePort: await freePort(),
    database: 'quickscale_bench',
    persistent: false,
    fast: true,
  })
  await applyMigrations(db.databaseUrl)

  const bundle = buildBundle()
  // The baseline is served the same way: built once, then no_bundle.
  const helloBundle = buildBundle('bench/wrangler.hello.toml')
  const hello = await startWranglerDev('hello', ['-c', path.join(helloBundle.outdir, 'wrangler.toml'), '--persist-to', tmpDir('qs-bench-hello-')])
  const productVars = {
    // Production settings (HSTS, no dev routes, request logs on), with the local database behind them.
    ENVIRONMENT: process.env.BENCH_ENVIRONMENT ?? 'production',
    APP_URL: 'http://127.0.0.1',
    DATABASE_URL: db.databaseUrl,
    NEON_WS_PROXY: db.wsProxy,
  }
  // --env-file: wrangler then ignores the developer's .dev.vars (no real keys in a bench run).
  const stateDir = tmpDir('qs-bench-state-')
  const envFile = path.join(stateDir, 'bench.env')
  fs.writeFileSync(envFile, Object.entries(productVars).map(([k, v]) => `${k}=${v}`).join('\n') + '\n')
  const product = await startWranglerDev('product', ['-c', path.join(bundle.outdir, 'wrangler.toml'), '--persist-to', stateDir, '--env-file', envFile])

  const cookie = await createBenchSession(db.databaseUrl)
  // The usage meter's cost: the same key check without (ping) and with (usage) one api_requests consumed.
  const apiKey = await createBenchApiKey(db.databaseUrl)
  const pages = [
    { label: 'GET /', path: '/', headers: {} },
    { label: 'GET /health', path: '/health', headers: {} },
    { label: 'GET /dashboard (signed in)', path: '/dashboard', headers: { cookie } },
    { label: 'GET /settings (signed in)', path: '/settings', headers: { cookie } },
    { label: 'GET /api/v1/ping (key)', path: '/api/v1/ping', headers: apiKey },
    { label: 'GET /api/v1/usage (metered)', path: '/api/v1/usage', headers: apiKey },
  ]
  // Round trips and latency, one request at a time, at no distance and at RTT_MS.
  const perPage = []
  for (const rtt of [0, RTT_MS]) {
    db.setRtt(rtt)
    for (const page of pages) {
      const url = new URL(page.path, product).toString()
      const trips = await countRoundTrips(db, url, page.headers)
      const latency = await measureLatency(url, page.headers, rtt === 0 ? LATENCY_REQUESTS * 3 : LATENCY_REQUESTS)
      perPage.push({ page: page.label, rtt, trips, latency })
    }
  }
  db.setRtt(0)
  // Printed now: the throughput part below is long, and this table must survive a hard stop.
  console.log('')
  console.log(`${pad('page', 30)}${pad('RTT ms', 8)}${pad('round trips', 13)}${pad('(tcp/http/ws up/ws flights)', 29)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}status`)
  for (const r of perPage) {
    const t = r.trips
    console.log(`${pad(r.page, 30)}${pad(r.rtt, 8)}${pad(t.roundTrips, 13)}${pad(`${t.tcpConnections}/${t.httpRequests}/${t.wsUpgrades}/${t.wsFlights}`, 29)}${pad(r.latency.p50, 8)}${pad(r.latency.p99, 8)}${t.status}`)
  }
  const signed = (n) => `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(1)}`
  for (const rtt of [0, RTT_MS]) {
    const ping = perPage.find((r) => r.rtt === rtt && r.page.startsWith('GET /api/v1/ping'))
    const usage = perPage.find((r) => r.rtt === rtt && r.page.startsWith('GET /api/v1/usage'))
    console.log(`metered request at RTT ${rtt} ms (usage vs ping, same key check, one at a time): added latency p50 ${signed(usage.latency.p50 - ping.latency.p50)} ms, p99 ${signed(usage.latency.p99 - ping.latency.p99)} ms`)
  }

  // One at a time, so the targets never compete for the CPU.
  const targets = [
    { label: 'hello (bare Hono)', url: hello },
    { label: 'product GET /', url: product },
    { label: 'GET /dashboard', url: new URL('/dashboard', product).toString(), headers: { cookie } },
  ]
  const results = await compare(targets)
  const [baseline, home, dashboard] = results
  failedChildren = results.some((r) => r.non2xx > 0 || r.errors > 0) ? [...children] : []
  await cleanup()
  children.length = 0
  db = null

  console.log('')
  console.log(`${pad('target', 20)}${pad('best req/s', 12)}${pad('median', 8)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad('rounds req/s', 22)}non-2xx/errors`)
  for (const r of results) {
    console.log(`${pad(r.label, 20)}${pad(r.rps.toFixed(0), 12)}${pad(r.median.toFixed(0), 8)}${pad(r.p50, 8)}${pad(r.p99, 8)}${pad(r.rounds.join(' / '), 22)}${r.non2xx}/${r.errors}`)
  }
  console.log('')
  for (const r of [home, dashboard]) {
    console.log(`ratio (best rounds): ${r.label} serves ${(r.rps / baseline.rps).toFixed(2)}x the hello worker's requests/s; medians ${(r.median / baseline.median).toFixed(2)}x`)
  }
  console.log(`bundle (wrangler deploy --dry-run): ${kib(bundle.raw)} raw, ${kib(bundle.gzip)} gzip — ${bundle.files.join(', ')}`)
  console.log(`wrangler's own count (Total Upload): ${bundle.wranglerSays}`)
  console.log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}`)
  const pageFailed = perPage.some((r) => r.trips.status !== 200 || r.latency.non2xx > 0 || r.latency.errors > 0)
  if (pageFailed || results.some((r) => r.non2xx > 0 || r.errors > 0)) {
    console.error('bench: some requests failed — the numbers above are not valid')
    for (const child of failedChildren) console.error(`--- ${child.label}: wrangler dev output (tail) ---\n${child.outputTail()}`)
    process.exitCode = 1
  }
} catch (err) {
  console.error(`bench: ${err?.stack ?? err}`)
  process.exitCode = 1
} finally {
  await cleanup()
  clearTimeout(hardStop)
}
