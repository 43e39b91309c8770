// `npm run dev`: the whole app on http://127.0.0.1:8787 with one command.
// Embedded Postgres (unless DATABASE_URL points elsewhere) → ws bridge → migrations → demo data →
// wrangler dev. Ctrl-C stops everything it started.
import { spawn } from 'node:child_process'
import { startLocalDatabase } from './local-db.mjs'
import { applyMigrations } from './migrate.mjs'
import { seedDatabase } from './seed.mjs'
import { decideSeed } from './seed-policy.mjs'
import { writeDevVars } from './dev-vars.mjs'
import { stripeDevVars } from './stripe-standin/dev.mjs'
import { oauthDevVars } from './oauth-standin/dev.mjs'

const PORT = Number(process.env.PORT ?? 8787)
const external = process.env.DATABASE_URL
let db = null
let wrangler = null
let stripeStandin = null
let oauthStandin = null
let stopping = false

async function stop(code = 0) {
  if (stopping) return
  stopping = true
  console.log('\ndev: stopping…')
  if (wrangler && wrangler.exitCode === null) {
    // wrangler runs in its own process group (detached): signal the group so workerd goes too.
    try { process.kill(-wrangler.pid, 'SIGTERM') } catch { /* already gone */ }
    await new Promise((r) => { wrangler.once('exit', r); setTimeout(r, 5000) })
  }
  if (stripeStandin) await stripeStandin.close().catch(() => {})
  if (oauthStandin) await oauthStandin.close().catch(() => {})
  if (db) await db.stop().catch((e) => console.error('dev: could not stop Postgres cleanly:', e.message))
  process.exit(code)
}
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))

try {
  let databaseUrl = external
  let wsProxy
  if (external) {
    console.log('dev: DATABASE_URL is set — using it, embedded Postgres skipped')
  } else {
    db = await startLocalDatabase()
    databaseUrl = db.databaseUrl
    wsProxy = db.wsProxy
    console.log(`dev: embedded Postgres ${db.fresh ? 'created' : 'started'} (${databaseUrl.replace(/:[^:@]+@/, ':***@')}), data in .data/postgres`)
    if (db.rttMs > 0) console.log(`dev: simulating ${db.rttMs} ms round trip between the Worker and the database (QS_DB_RTT_MS)`)
  }
  await applyMigrations(databaseUrl)
  console.log('dev: migrations applied')
  // Demo data only goes into the database started above, or where asked for (scripts/seed-policy.mjs).
  const decision = decideSeed({ startedEmbedded: db !== null, databaseUrl })
  const notes = decision.seed ? await seedDatabase(databaseUrl) : [decision.note]
  // Billing: real Stripe test keys if you set them, otherwise the local stand-in (docs/billing.md).
  const stripe = await stripeDevVars({ appUrl: `http://127.0.0.1:${PORT}` })
  stripeStandin = stripe.standin
  notes.push(stripe.note)
  // Sign-in with GitHub/Google: your keys if set, otherwise the local OAuth stand-in (docs/oauth-standin.md).
  const oauth = await oauthDevVars()
  oauthStandin = oauth.standin
  notes.push(oauth.note)
  writeDevVars({
    ENVIRONMENT: 'development',
    APP_URL: `http://127.0.0.1:${PORT}`,
    DATABASE_URL: databaseUrl,
    NEON_WS_PROXY: wsProxy,
    ...stripe.vars,
    ...oauth.vars,
  })
  // The thumbnailer Worker (workers/thumbnailer/) runs in the same wrangler dev, sharing the local R2
  // bucket and queue; wrangler reads an auxiliary Worker's variables from the .dev.vars beside its config.
  writeDevVars({ ENVIRONMENT: 'development', DATABASE_URL: databaseUrl, NEON_WS_PROXY: wsProxy }, 'workers/thumbnailer/.dev.vars')
  wrangler = spawn('npx', ['wrangler', 'dev', '-c', 'wrangler.toml', '-c', 'workers/thumbnailer/wrangler.toml', '--ip', '127.0.0.1', '--port', String(PORT)], {
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  })
  wrangler.on('exit', (code) => { if (!stopping) stop(code ?? 1) })
  for (const note of notes) console.log(`dev: ${note}`)
  console.log(`dev: starting http://127.0.0.1:${PORT} — Ctrl-C stops the app and the database`)
} catch (err) {
  console.error(`dev: ${err?.message ?? err}`)
  await stop(1)
}
