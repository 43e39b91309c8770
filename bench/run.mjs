// `npm run bench`: database round trips and latency per page at 0 ms and a simulated 20 ms Worker↔database
// round trip (QS_DB_RTT_MS, scripts/ws-bridge.mjs); then throughput of the home page and the signed-in
// dashboard and settings against their limits — a bare Hono "hello" worker (bench/hello-worker.ts) and a
// bare worker making the dashboard's two SQL trips (bench/two-trips-worker.ts), and a bare worker sending the
// home page's bytes and headers (bench/page-worker.ts), all with the same [assets]
// configuration — all served by the same wrangler dev / workerd in the same run; the startup CPU of the
// product and of hello (bench/startup.mjs); plus the size of the deployable bundle.
// BENCH_BUILD=dev serves the source as `npm run dev` does (wrangler bundles it, ENVIRONMENT=development)
// instead of the production build.
// Loopback only, bounded in time (about 2 minutes; a hard stop after 6 minutes).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { freePort, startLocalDatabase } from '../scripts/local-db.mjs'
import { applyMigrations } from '../scripts/migrate.mjs'
import { countRoundTrips, createBenchSession, measureLatency } from './pages.mjs'
import { createBenchApiKey } from './metered.mjs'
import { measurePlacement, printPlacement } from './placement.mjs'
import { createLoadRunner } from './throughput.mjs'
import { buildBundle as buildDeployBundle } from './bundle.mjs'
import { measureStartup, printStartup } from './startup.mjs'

const DURATION = Number(process.env.BENCH_DURATION ?? 5) // seconds per round and target
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
// A busy shared machine can need longer than the usual few minutes.
const HARD_STOP_MIN = Number(process.env.BENCH_HARD_STOP_MIN ?? 10)
const RTT_MS = Number(process.env.BENCH_RTT_MS ?? 20) // the simulated distance for the latency table
const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 60)
// Placement (bench/placement.mjs, ADR 0085): off by default; "1" adds it, "only" skips the throughput part.
const PLACEMENT = ['1', 'only'].includes(process.env.BENCH_PLACEMENT ?? '') ? process.env.BENCH_PLACEMENT : null
// 'production' (default): the deployable bundle, served as built. 'dev': the source, as `npm run dev` serves it.
const BUILD = process.env.BENCH_BUILD === 'dev' ? 'dev' : 'production'
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 3)
// Before/after in one run: another checkout of the product (e.g. `git archive <ref> | tar -x -C dir`, with
// node_modules linked), served next to this one with the same database and alternating rounds, so that a
// change is measured under the same background load as what it replaces.
const BASELINE_DIR = process.env.BENCH_BASELINE_DIR ? path.resolve(process.env.BENCH_BASELINE_DIR) : null
const WRANGLER_ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', NO_COLOR: '1' }

// Set by the HTTP layer or per response, not copied into the same-bytes worker's answer.
const SAMPLE_HEADERS_LEFT_OUT = new Set(['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding', 'x-request-id', 'content-encoding'])

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

// The deployable bundle (bench/bundle.mjs), in a folder removed at the end.
const buildBundle = (configPath = 'wrangler.toml') => buildDeployBundle(configPath, tmpDir('qs-bench-bundle-'), WRANGLER_ENV)

// Throughput rounds (bench/throughput.mjs). The process groups whose CPU it reports per request: each wrangler
// dev (its Node process and workerd) and the load generator, plus (in cpuSnapshot) this process and Postgres.
const { compare } = createLoadRunner({
  connections: CONNECTIONS, duration: DURATION, warmup: WARMUP, rounds: ROUNDS,
  serverGroups: () => Object.fromEntries(children.map((child) => [`${child.label} wrangler`, [child.pid]])),
})

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
  // Production: each worker built once, then served no_bundle. Dev: wrangler dev bundles the source itself.
  const served = (configPath) => (BUILD === 'dev' ? configPath : path.join(buildBundle(configPath).outdir, 'wrangler.toml'))
  const hello = await startWranglerDev('hello', ['-c', served('bench/wrangler.hello.toml'), '--persist-to', tmpDir('qs-bench-hello-')])
  const dbVars = { DATABASE_URL: db.databaseUrl, NEON_WS_PROXY: db.wsProxy }
  const twoTripsEnv = path.join(tmpDir('qs-bench-two-trips-'), 'bench.env')
  fs.writeFileSync(twoTripsEnv, Object.entries(dbVars).map(([k, v]) => `${k}=${v}`).join('\n') + '\n')
  const twoTrips = await startWranglerDev('two-trips', ['-c', served('bench/wrangler.two-trips.toml'), '--persist-to', path.dirname(twoTripsEnv), '--env-file', twoTripsEnv])
  const productVars = {
    // Production settings (HSTS, no dev routes, request logs on), with the local database behind them;
    // BENCH_BUILD=dev runs as `npm run dev` does.
    ENVIRONMENT: process.env.BENCH_ENVIRONMENT ?? (BUILD === 'dev' ? 'development' : 'production'),
    APP_URL: 'http://127.0.0.1',
    DATABASE_URL: db.databaseUrl,
    NEON_WS_PROXY: db.wsProxy,
  }
  // --env-file: wrangler then ignores the developer's .dev.vars (no real keys in a bench run).
  const stateDir = tmpDir('qs-bench-state-')
  const envFile = path.join(stateDir, 'bench.env')
  fs.writeFileSync(envFile, Object.entries(productVars).map(([k, v]) => `${k}=${v}`).join('\n') + '\n')
  const product = await startWranglerDev('product', ['-c', BUILD === 'dev' ? 'wrangler.toml' : path.join(bundle.outdir, 'wrangler.toml'), '--persist-to', stateDir, '--env-file', envFile])
  // The home page's size and headers, for the worker that sends the same bytes and nothing else.
  const sample = await fetch(product)
  const pageEnv = path.join(tmpDir('qs-bench-page-'), 'bench.env')
  fs.writeFileSync(pageEnv, `PAGE_BYTES=${(await sample.arrayBuffer()).byteLength}\nPAGE_HEADERS=${Buffer.from(JSON.stringify(Object.fromEntries([...sample.headers].filter(([name]) => !SAMPLE_HEADERS_LEFT_OUT.has(name))))).toString('base64')}\n`)
  const samePage = await startWranglerDev('page', ['-c', served('bench/wrangler.page.toml'), '--persist-to', path.dirname(pageEnv), '--env-file', pageEnv])
  const before = BASELINE_DIR
    ? await startWranglerDev('before', ['-c', BUILD === 'dev' ? path.join(BASELINE_DIR, 'wrangler.toml') : path.join(buildBundle(path.join(BASELINE_DIR, 'wrangler.toml')).outdir, 'wrangler.toml'), '--persist-to', tmpDir('qs-bench-before-'), '--env-file', envFile])
    : null

  // Outside production the session cookie has no __Host- prefix (src/auth/session.ts).
  const hostCookie = await createBenchSession(db.databaseUrl)
  const cookie = productVars.ENVIRONMENT === 'production' ? hostCookie : hostCookie.replace(/^__Host-/, '')
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
  // Round trips and latency, one request at a time, at no distance and at RTT_MS; with a baseline, its
  // signed-in pages too (before/after latency in the same run).
  const latencyPages = before
    ? [...pages, ...pages.slice(2, 4).map((p) => ({ ...p, label: `before ${p.label.slice(4)}`, origin: before }))]
    : pages
  const perPage = []
  for (const rtt of [0, RTT_MS]) {
    db.setRtt(rtt)
    for (const page of latencyPages) {
      const url = new URL(page.path, page.origin ?? product).toString()
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

  let placementFailed = false
  if (PLACEMENT) {
    console.log(`bench: load average before the placement table ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`)
    const placement = await measurePlacement({
      db, appUrl: product, pages: pages.slice(0, 4),
      near: Number(process.env.BENCH_PLACEMENT_NEAR_MS ?? 5),
      far: Number(process.env.BENCH_PLACEMENT_FAR_MS ?? 80),
      requests: Number(process.env.BENCH_PLACEMENT_REQUESTS ?? 30),
    })
    printPlacement(placement)
    console.log(`bench: load average after the placement table ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`)
    placementFailed = placement.failures > 0
  }
  const pageFailed = placementFailed || perPage.some((r) => r.trips.status !== 200 || r.latency.non2xx > 0 || r.latency.errors > 0)
  if (PLACEMENT === 'only') {
    if (pageFailed) { console.error('bench: some requests failed — the numbers above are not valid'); process.exitCode = 1 }
    console.log('bench: BENCH_PLACEMENT=only — throughput and bundle size skipped')
  } else {
    // One at a time, so the targets never compete for the CPU.
    const targets = [
      { label: 'hello (bare Hono)', url: hello },
      { label: 'same bytes as / (bare)', url: samePage },
      { label: 'two SQL trips (bare)', url: twoTrips, headers: { cookie } },
      { label: 'product GET /', url: product },
      { label: 'GET /dashboard', url: new URL('/dashboard', product).toString(), headers: { cookie } },
      { label: 'GET /settings', url: new URL('/settings', product).toString(), headers: { cookie } },
    ]
    if (before) {
      for (const [label, p] of [['before GET /', '/'], ['before /dashboard', '/dashboard'], ['before /settings', '/settings']]) {
        targets.push({ label, url: new URL(p, before).toString(), headers: p === '/' ? undefined : { cookie } })
      }
    }
    const results = await compare(targets)
    const [baseline, sameBytes, twoTripLimit, home, dashboard, settings, ...previous] = results
    failedChildren = results.some((r) => r.non2xx > 0 || r.errors > 0) ? [...children] : []
    await cleanup()
    children.length = 0
    db = null

    console.log('')
    // Each page against its limit: public pages against hello, signed-in ones against the two-trip worker.
    const limitOf = new Map([[home, [baseline, 'hello', 0.85]], [dashboard, [twoTripLimit, '2 trips', 0.6]], [settings, [twoTripLimit, '2 trips', 0.6]]])
    const ratio = (r) => {
      const limit = limitOf.get(r)
      if (!limit) return '—'
      const [base, name, goal] = limit
      return `${(r.rps / base.rps).toFixed(2)}x / ${(r.median / base.median).toFixed(2)}x of ${name} (goal ${goal}x)`
    }
    console.log(`build: ${BUILD}`)
    console.log(`${pad('target', 22)}${pad('best req/s', 12)}${pad('median', 8)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}${pad('rounds req/s', 22)}${pad('non-2xx/err', 13)}ratio best / median`)
    for (const r of results) {
      console.log(`${pad(r.label, 22)}${pad(r.rps.toFixed(0), 12)}${pad(r.median.toFixed(0), 8)}${pad(r.p50, 8)}${pad(r.p99, 8)}${pad(r.rounds.join(' / '), 22)}${pad(`${r.non2xx}/${r.errors}`, 13)}${ratio(r)}`)
    }
    console.log('')
    const groupNames = [...new Set(results.flatMap((r) => Object.keys(r.cpu)))].filter((k) => k !== 'load' && results.some((r) => (r.cpu[k] ?? 0) >= 0.05))
    console.log(`CPU ms per request (mean of rounds): ${groupNames.map((k) => (k === 'self' ? 'bench+SQL endpoint' : k)).join(' | ')}`)
    for (const r of results) console.log(`  ${pad(r.label, 20)}${groupNames.map((k) => (r.cpu[k] ?? 0).toFixed(2)).join(' | ')}`)
    console.log('')
    for (const r of [home, dashboard, settings]) {
      const [base, name] = limitOf.get(r)
      console.log(`ratio (best rounds): ${r.label} serves ${(r.rps / base.rps).toFixed(2)}x the ${name} worker's requests/s; medians ${(r.median / base.median).toFixed(2)}x`)
    }
    console.log(`ratio (best rounds): the two-trip worker serves ${(twoTripLimit.rps / baseline.rps).toFixed(2)}x hello`)
    // Below hello's 0.85x, how much is the page itself (its bytes and headers) and how much the app's work.
    console.log(`ratio (best rounds): product GET / serves ${(home.rps / sameBytes.rps).toFixed(2)}x the same-bytes worker's requests/s (medians ${(home.median / sameBytes.median).toFixed(2)}x); the same-bytes worker serves ${(sameBytes.rps / baseline.rps).toFixed(2)}x hello`)
    // On a loaded shared machine the rates swing from round to round; CPU per request (every process the
    // request touches: wrangler, workerd, the SQL endpoint, Postgres) is steadier. Its inverse ratio is the
    // throughput ratio the same page would reach where these processes had the cores to themselves.
    // Postgres is left out: the bench's Postgres cannot be told apart from other Postgres servers on the machine.
    const cpuOf = (r) => Object.entries(r.cpu).filter(([k]) => k !== 'load' && k !== 'postgres').reduce((sum, [, v]) => sum + Math.max(0, v), 0)
    for (const r of [home, dashboard, settings]) {
      const [base, name] = limitOf.get(r)
      console.log(`ratio by CPU per request: ${r.label} ${cpuOf(r).toFixed(1)} ms against ${cpuOf(base).toFixed(1)} ms for the ${name} worker: ${(cpuOf(base) / cpuOf(r)).toFixed(2)}x`)
    }
    console.log(`ratio by CPU per request: product GET / ${cpuOf(home).toFixed(1)} ms against ${cpuOf(sameBytes).toFixed(1)} ms for the same-bytes worker: ${(cpuOf(sameBytes) / cpuOf(home)).toFixed(2)}x`)
    // The same pages before and after, same run: requests/s and the Worker's (workerd's) CPU per request.
    previous.forEach((old, i) => {
      const now = [home, dashboard, settings][i]
      const workerd = (r, who) => r.cpu[`${who} wrangler: workerd`] ?? 0
      console.log(`after / before: ${now.label} ${(now.rps / old.rps).toFixed(2)}x best req/s, ${(now.median / old.median).toFixed(2)}x median; workerd CPU per request ${workerd(now, 'product').toFixed(2)} ms after, ${workerd(old, 'before').toFixed(2)} ms before`)
    })
    if (STARTUP_RUNS > 0) {
      console.log('')
      const startupTargets = [{ label: 'product', configPath: 'wrangler.toml' }, { label: 'hello', configPath: 'bench/wrangler.hello.toml' }]
      if (BASELINE_DIR) startupTargets.push({ label: 'before', configPath: path.join(BASELINE_DIR, 'wrangler.toml') })
      printStartup(measureStartup(startupTargets, tmpDir('qs-bench-startup-'), WRANGLER_ENV, STARTUP_RUNS))
    }
    console.log(`bundle (wrangler deploy --dry-run): ${kib(bundle.raw)} raw, ${kib(bundle.gzip)} gzip — ${bundle.files.join(', ')}`)
    console.log(`wrangler's own count (Total Upload): ${bundle.wranglerSays}`)
    console.log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}`)
    if (pageFailed || results.some((r) => r.non2xx > 0 || r.errors > 0)) {
      console.error('bench: some requests failed — the numbers above are not valid')
      for (const child of failedChildren) console.error(`--- ${child.label}: wrangler dev output (tail) ---\n${child.outputTail()}`)
      process.exitCode = 1
    }
  }
} catch (err) {
  console.error(`bench: ${err?.stack ?? err}`)
  process.exitCode = 1
} finally {
  await cleanup()
  clearTimeout(hardStop)
}
