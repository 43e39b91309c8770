// `npm run load`: mixed traffic for --duration seconds (60 by default) against the app as `npm run dev`
// runs it — public pages, the signed-in dashboard, the metered API with a key, image uploads through the
// real upload route, and signed Stripe webhooks — then req/s and p50/p99 per route. Exit 1 on any 5xx or
// network error, and on any lost write: the meter's counters (usage API), file rows, R2 objects and
// webhook rows must match exactly the 2xx answers of each kind. Loopback only, bounded in time.
//   npm run load                                   starts its own app (bench/lighthouse-app.mjs), stops it
//   npm run load -- --duration 10                  a shorter run
//   npm run load -- --base http://127.0.0.1:8787   a running `npm run dev` (DATABASE_URL and the webhook
//                   secret from .dev.vars, R2 from .wrangler/state; --database-url, --webhook-secret, --state)
// docs/performance.md has a recorded run.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fork } from 'node:child_process'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { signIn, startApp } from './lighthouse-app.mjs'
import { createBenchApiKey } from './metered.mjs'
import { listLocalR2Objects } from './load-r2.mjs'

const { values: args } = parseArgs({ options: {
  duration: { type: 'string', default: '60' },
  base: { type: 'string' },
  'database-url': { type: 'string' },
  'webhook-secret': { type: 'string' },
  state: { type: 'string' },
} })
const DURATION_S = Number(args.duration)
if (!(DURATION_S > 0)) { console.error('load: --duration must be a positive number of seconds'); process.exit(2) }
// The seeded demo accounts (src/cli/seed.ts): the user uploads and owns the API key, both open the dashboard.
const DEMO = [{ email: 'user@example.com', password: 'quickscale-user-dev' }, { email: 'admin@example.com', password: 'quickscale-admin-dev' }]
// The files throttle allows 120 writes a minute per account (src/files/guards.ts): stay under it.
const UPLOAD_INTERVAL_MS = 600

let app = null
const hardStop = setTimeout(async () => {
  console.error('load: took too long, stopping')
  if (app) await app.stop()
  process.exit(1)
}, (DURATION_S + 300) * 1000)
hardStop.unref()
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, async () => { if (app) await app.stop(); process.exit(130) })

function readDevVars(file = '.dev.vars') {
  if (!fs.existsSync(file)) return {}
  return Object.fromEntries(fs.readFileSync(file, 'utf8').split('\n').filter((l) => /^\w+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]))
}

/** The account's counters as its meter answers them (GET /api/v1/usage, itself one metered request). */
async function readUsage(base, apiKey) {
  const res = await fetch(new URL('/api/v1/usage', base), { headers: apiKey })
  if (res.status !== 200) throw new Error(`load: GET /api/v1/usage answered ${res.status}: ${await res.text()}`)
  const { usage } = await res.json()
  return Object.fromEntries(Object.entries(usage).map(([metric, { used }]) => [metric, used]))
}

function runTraffic(setup) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./load-traffic.mjs', import.meta.url)))
    let answered = false
    child.once('message', (m) => { answered = true; if (m.error) reject(new Error(m.error)); else resolve(m.result) })
    child.once('error', reject)
    child.once('exit', (code) => { if (!answered) reject(new Error(`load generator exited with ${code}`)) })
    child.send(setup)
  })
}

const pad = (s, n) => String(s).padEnd(n)
const loadavg = () => os.loadavg().map((n) => n.toFixed(2)).join(' ')

let client = null
try {
  console.log(`load: ${DURATION_S} s of mixed traffic, loopback only; load average before start ${loadavg()}`)
  let base = args.base
  let databaseUrl = args['database-url']
  let webhookSecret = args['webhook-secret']
  let stateDir = args.state
  if (base) {
    const vars = readDevVars()
    databaseUrl ??= process.env.DATABASE_URL ?? vars.DATABASE_URL
    webhookSecret ??= process.env.STRIPE_WEBHOOK_SECRET ?? vars.STRIPE_WEBHOOK_SECRET
    stateDir ??= '.wrangler/state'
    if (!databaseUrl || !webhookSecret) throw new Error('load: --base needs the database URL and the webhook secret (.dev.vars, or --database-url and --webhook-secret)')
  } else {
    app = await startApp({ environment: 'development', name: 'load' })
    ;({ url: base, databaseUrl, webhookSecret, stateDir } = app)
  }
  client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  const runId = crypto.randomBytes(4).toString('hex')
  const { rows: demo } = await client.query('SELECT id, email FROM users WHERE email = ANY($1)', [DEMO.map((d) => d.email)])
  const uploader = demo.find((u) => u.email === DEMO[0].email)
  if (!uploader || demo.length !== DEMO.length) throw new Error('load: the demo users are missing (npm run db:seed)')
  if (app) {
    // Our own throwaway database: the Free plan gets room for the whole run, so every answer measures the
    // work rather than a quota refusal (a running app keeps its plans; refusals are then 429s, not writes).
    await client.query("UPDATE plans SET storage_bytes = 1000000000000, file_count = 1000000000, uploads_per_month = 1000000000, api_requests_per_month = 2000000000 WHERE id = 'free'")
  }
  // A test account with a Stripe customer of its own, for the webhooks to be about.
  const customer = `cus_load${runId}`
  const { rows: [billed] } = await client.query(
    "INSERT INTO users (email, name, password_hash, email_verified_at) VALUES ($1, 'Load test', 'not-a-password-hash', now()) RETURNING id", [`load-${runId}@example.com`])
  await client.query('INSERT INTO billing_customers (user_id, stripe_customer_id) VALUES ($1, $2)', [billed.id, customer])

  const cookies = []
  for (const d of DEMO) cookies.push(await signIn(base, d.email, d.password))
  const apiKey = await createBenchApiKey(databaseUrl, { unlimitedFree: false, userId: uploader.id })
  const before = await readUsage(base, apiKey)
  const { rows: [{ now: startedAt }] } = await client.query('SELECT now()')

  const result = await runTraffic({
    base, durationMs: DURATION_S * 1000, runId, seed: crypto.randomInt(1 << 30),
    publicPaths: ['/', '/pricing', '/login'], cookies, uploadCookie: cookies[0], apiKey,
    uploadIntervalMs: UPLOAD_INTERVAL_MS, webhook: { secret: webhookSecret, customer, runId },
  })
  const loadAfter = loadavg()

  console.log('')
  console.log(`${pad('route', 30)}${pad('requests', 10)}${pad('req/s', 8)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}statuses`)
  for (const r of result.routes) {
    const statuses = Object.entries(r.status).map(([s, n]) => `${s}×${n}`).concat(r.errors ? [`errors×${r.errors}`] : []).join(' ')
    console.log(`${pad(r.label, 30)}${pad(r.requests, 10)}${pad(r.rps.toFixed(1), 8)}${pad(r.p50.toFixed(0), 8)}${pad(r.p99.toFixed(0), 8)}${statuses}`)
  }
  const total = result.routes.reduce((n, r) => n + r.requests, 0)
  console.log(`all routes: ${total} requests in ${result.seconds.toFixed(1)} s = ${(total / result.seconds).toFixed(1)} req/s; load average after ${loadAfter}; ${os.cpus().length} CPUs, node ${process.version}`)

  const failures = []
  for (const r of result.routes) {
    const fivexx = Object.entries(r.status).filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0)
    if (fivexx || r.errors) failures.push(`${r.label}: ${fivexx} 5xx, ${r.errors} network errors${r.samples.length ? `\n    ${r.samples.join('\n    ')}` : ''}`)
  }
  const kind = (k) => result.routes.filter((r) => r.kind === k)
  const accepted = (k) => kind(k).reduce((n, r) => n + r.accepted, 0)
  const [upload] = kind('upload')
  const [webhook] = kind('webhook')
  const check = (what, counted, expected) => {
    console.log(`check: ${pad(what, 44)} ${counted === expected ? 'ok' : 'LOST'}  ${counted} (expected ${expected})`)
    if (counted !== expected) failures.push(`${what}: ${counted}, expected ${expected}`)
  }

  // The meter: every accepted metered request and upload counted once (+1: the reading request itself).
  const after = await readUsage(base, apiKey)
  console.log('')
  check('meter api_requests (usage API)', after.api_requests - before.api_requests, accepted('api') + 1)
  check('meter uploads', after.uploads - before.uploads, upload.accepted)
  check('meter file_count', after.file_count - before.file_count, upload.accepted)
  check('meter storage_bytes', after.storage_bytes - before.storage_bytes, upload.bytes)
  // Rows: one live file row per accepted upload, of the size answered.
  const { rows: files } = await client.query(
    'SELECT r2_key, size FROM files WHERE user_id = $1 AND created_at >= $2 AND name LIKE $3 AND deleted_at IS NULL', [uploader.id, startedAt, `load-${runId}-%`])
  check('file rows', files.length, upload.accepted)
  check('file rows: bytes', files.reduce((n, f) => n + Number(f.size), 0), upload.bytes)
  // Objects: each row's object in the local R2 with its size, and no object without a row (thumbnails aside).
  const objects = listLocalR2Objects(stateDir, `${uploader.id}/`).filter((o) => o.uploaded >= startedAt.getTime() && !o.key.endsWith('.thumb.jpg'))
  const bySize = new Map(objects.map((o) => [o.key, o.size]))
  check('R2 objects since the start', objects.length, upload.accepted)
  check('R2 objects matching a row and its size', files.filter((f) => bySize.get(f.r2_key) === Number(f.size)).length, upload.accepted)
  // Webhooks: each accepted event applied once (its id stored with its effect, one invoice row).
  const { rows: [{ count: events }] } = await client.query('SELECT count(*)::int FROM stripe_events WHERE id LIKE $1', [`evt_load${runId}n%`])
  const { rows: [{ count: invoices }] } = await client.query('SELECT count(*)::int FROM invoices WHERE id LIKE $1 AND user_id = $2', [`in_load${runId}n%`, billed.id])
  check('webhooks answered "processed"', webhook.outcomes.processed ?? 0, webhook.accepted)
  check('stripe_events rows', events, webhook.accepted)
  check('invoice rows', invoices, webhook.accepted)

  if (failures.length) {
    console.error(`\nload: FAILED\n  ${failures.join('\n  ')}`)
    process.exitCode = 1
  } else {
    console.log('\nload: no 5xx, no lost write')
  }
} catch (err) {
  console.error(`load: ${err?.stack ?? err}`)
  process.exitCode = 1
} finally {
  if (client) await client.end().catch(() => undefined)
  if (app) await app.stop()
  clearTimeout(hardStop)
}
