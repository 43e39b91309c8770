import os from 'node:os'
import fs from 'node:fs'
import path from 'node:path'
import { spawn } from 'node:child_process'
import http from 'node:http'
import { createHash } from 'node:crypto'
import type { TestProject } from 'vitest/node'
// @ts-expect-error plain .mjs helpers shared with `npm run dev`
import { freePort } from '../../scripts/local-db.mjs'
// @ts-expect-error plain .mjs helpers shared with `npm run dev`
import { LOCAL_STRIPE_SECRET_KEY, LOCAL_STRIPE_WEBHOOK_SECRET, startStripeStandin } from '../../scripts/stripe-standin/server.mjs'
import { standinVars, startOAuthStandin } from '../../scripts/oauth-standin/server.mjs'
import { createTestDatabase } from '../setup/database-server'
import { waitForHealth } from './wait-for-health'

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
    e2eDatabaseUrl: string
    e2eWsProxy: string
    stripeStandinUrl: string
    oauthStandinUrl: string
    hibpBaseUrl: string
    /** wrangler dev's DevTools port (its inspector proxy): test/e2e/dev-inspector.test.ts connects to it. */
    inspectorPort: number
    /** Where this setup writes why `wrangler dev` did not start (./app-ready.ts reads it). */
    appStartupFailure: string
  }
}

// Passwords the fake reports as breached (the browser tests may use them to see the refusal).
export const FAKE_BREACHED = ['password1234']

/**
 * A local stand-in for HIBP's range API (third-party HTTP, faked at the boundary): the Worker under
 * `wrangler dev` asks it instead of api.pwnedpasswords.com, so the browser run makes no DNS lookup or
 * outbound request. GET /__calls answers how many range requests it served.
 */
async function startFakeHibp(): Promise<{ baseUrl: string; calls: () => number; close: () => Promise<void> }> {
  let calls = 0
  const breached = FAKE_BREACHED.map((p) => createHash('sha1').update(p).digest('hex').toUpperCase())
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    if (url.pathname === '/__calls') return void res.end(String(calls))
    const m = /^\/range\/([0-9A-F]{5})$/.exec(url.pathname)
    if (!m) { res.statusCode = 404; return void res.end() }
    calls++
    const lines = ['0018A45C4D1DEF81644B54AB7F969B88D65:0']
    for (const digest of breached) if (digest.startsWith(m[1]!)) lines.push(`${digest.slice(5)}:12345`)
    res.setHeader('content-type', 'text/plain')
    res.end(lines.join('\r\n'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return { baseUrl: `http://127.0.0.1:${port}`, calls: () => calls, close: () => new Promise((r) => server.close(() => r())) }
}

function waitForServer(url: string, child: ReturnType<typeof spawn>, log: () => string): Promise<void> {
  return waitForHealth(url, {
    timeoutMs: 120_000,
    check: () => {
      if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${log()}`)
      // wrangler dev keeps running (and holds requests) when the Worker fails to build or load.
      if (/\[ERROR\]/.test(log().replace(/\x1b\[[0-9;]*m/g, ''))) throw new Error(`wrangler dev reported an error:\n${log()}`)
    },
    detail: log,
  })
}

// The browser tests run against the real thing: `wrangler dev` (workerd, local R2/DO/Queues) on a
// free port, a database of its own on the run's Postgres, and its own local-state folder so they never
// touch yours.
// `wrangler dev` starts in the background; why it failed to start, if it did, is written here.
const APP_STARTUP_FAILURE = path.resolve('test-results/wrangler-dev-startup-failure.txt')

export default async function setup(project: TestProject) {
  fs.rmSync(APP_STARTUP_FAILURE, { force: true })
  const db = await createTestDatabase('quickscale_e2e')
  const hibp = await startFakeHibp()
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-e2e-state-'))
  // Billing runs against the local Stripe stand-in (docs/billing.md), which sends its webhooks to this app.
  const stripe = await startStripeStandin({ port: await freePort(), webhookUrl: `${baseUrl}/billing/webhook`, log: () => {} })
  // Sign-in with GitHub and Google goes to the local OAuth stand-in (docs/oauth-standin.md).
  const oauth = await startOAuthStandin({ port: await freePort() })
  const vars = {
    ENVIRONMENT: 'development',
    APP_URL: baseUrl,
    DATABASE_URL: db.databaseUrl,
    NEON_WS_PROXY: db.wsProxy,
    // Mail goes to the local outbox, whatever the developer's own .dev.vars says.
    RESEND_API_KEY: '',
    STRIPE_SECRET_KEY: LOCAL_STRIPE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: LOCAL_STRIPE_WEBHOOK_SECRET,
    STRIPE_API_BASE: stripe.baseUrl,
    // The breach check asks the local fake: no test reaches the internet.
    HIBP_API_BASE: hibp.baseUrl,
    ...standinVars(oauth.baseUrl),
  }
  // An explicit --env-file makes wrangler skip .dev.vars entirely: a developer's real secrets (Resend,
  // Stripe keys) never reach the browser tests, and a fresh clone behaves like this checkout.
  const envFile = path.join(stateDir, 'e2e.env')
  fs.writeFileSync(envFile, Object.entries(vars).map(([k, v]) => `${k}=${v}`).join('\n') + '\n')
  // The thumbnailer Worker runs beside the app (as in `npm run dev`). wrangler reads an auxiliary Worker's
  // variables only from the .dev.vars next to its config, so it gets a copy of its config in the state
  // folder with its own .dev.vars: the developer's workers/thumbnailer/.dev.vars is never touched.
  const thumbnailerDir = path.join(stateDir, 'thumbnailer')
  fs.mkdirSync(thumbnailerDir)
  const thumbnailerConfig = fs.readFileSync('workers/thumbnailer/wrangler.toml', 'utf8')
    .replace(/^main = "index.ts"$/m, `main = ${JSON.stringify(path.resolve('workers/thumbnailer/index.ts'))}`)
  fs.writeFileSync(path.join(thumbnailerDir, 'wrangler.toml'), thumbnailerConfig)
  fs.writeFileSync(path.join(thumbnailerDir, '.dev.vars'), `ENVIRONMENT=development\nDATABASE_URL=${db.databaseUrl}\nNEON_WS_PROXY=${db.wsProxy}\n`)
  let output = ''
  // A port of its own: the default (9229) may be taken by a developer's `npm run dev`.
  const inspectorPort = await freePort()
  const child = spawn(
    'npx',
    ['wrangler', 'dev', '-c', 'wrangler.toml', '-c', path.join(thumbnailerDir, 'wrangler.toml'), '--ip', '127.0.0.1', '--port', String(port),
      '--inspector-port', String(inspectorPort), '--persist-to', stateDir, '--show-interactive-dev-session=false', '--env-file', envFile],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' } },
  )
  child.stdout?.on('data', (d) => { output += d })
  child.stderr?.on('data', (d) => { output += d })
  // Not awaited here (issue 21: test time): vitest runs the projects' global setups one after another and
  // the browser files run last, so `wrangler dev` starts while the other projects' tests run. Each browser
  // test file waits for it first (./app-ready.ts); a start that fails is written where that wait reads it.
  const ready = waitForServer(`${baseUrl}/health`, child, () => output).catch((err: unknown) => {
    try { process.kill(-child.pid!, 'SIGTERM') } catch { /* gone */ }
    fs.mkdirSync(path.dirname(APP_STARTUP_FAILURE), { recursive: true })
    fs.writeFileSync(APP_STARTUP_FAILURE, err instanceof Error ? err.message : String(err))
  })
  project.provide('baseUrl', baseUrl)
  project.provide('e2eDatabaseUrl', db.databaseUrl)
  project.provide('e2eWsProxy', db.wsProxy)
  project.provide('stripeStandinUrl', stripe.baseUrl)
  project.provide('oauthStandinUrl', oauth.baseUrl)
  project.provide('hibpBaseUrl', hibp.baseUrl)
  project.provide('inspectorPort', inspectorPort)
  project.provide('appStartupFailure', APP_STARTUP_FAILURE)
  return async () => {
    await ready
    try { process.kill(-child.pid!, 'SIGTERM') } catch { /* gone */ }
    // unref: a pending timer keeps vitest's process alive after the run, 5 s of every `npm test` (issue 21).
    await new Promise((r) => { child.once('exit', r); setTimeout(r, 5000).unref() })
    await stripe.close()
    await oauth.close()
    await db.release()
    await hibp.close()
    fs.rmSync(stateDir, { recursive: true, force: true })
    fs.mkdirSync('test-results', { recursive: true })
    fs.writeFileSync('test-results/wrangler-dev.log', output)
  }
}
