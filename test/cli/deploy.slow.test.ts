import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ROOT, createDatabase, query, runCli } from './helpers'

// `quickscale deploy` against the stand-in wrangler (test/cli/stand-in-wrangler.mjs): a fake account in
// a JSON file, every invocation recorded. The project is a copy of this one's configs (both
// wrangler.toml files, APP_URL and addresses made real) with src/ and drizzle/ linked in; migrations go
// to a fresh database on the test Postgres; the smoke check asks a local server that answers /health.
const STAND_IN = path.join(ROOT, 'test/cli/stand-in-wrangler.mjs')
const QUEUES = ['quickscale-email', 'quickscale-email-dlq', 'quickscale-thumbnails', 'quickscale-thumbnails-dlq', 'quickscale-account-deletion', 'quickscale-account-deletion-dlq']
const WEB = 'quickscale-edge-deploy-test'
const THUMBNAILER = 'quickscale-thumbnailer'
const ALL_SECRETS = { [WEB]: ['DATABASE_URL', 'RESEND_API_KEY', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'], [THUMBNAILER]: ['DATABASE_URL'] }

let project: string
let health: http.Server
let healthUrl: string
let healthAnswer = { status: 200, database: 'ok' }
// Deploy runs `stripe setup` when STRIPE_SECRET_KEY is exported: against billing's local Stripe stand-in.
let stripe: { baseUrl: string; standin: { state: { webhookEndpoints: Map<string, { url: string; api_version: string }> } }; close: () => Promise<void> }
const startStandin = async () => {
  const { startStripeStandin } = await import(/* @vite-ignore */ path.join(ROOT, 'scripts/stripe-standin/server.mjs'))
  const { freePort } = await import(/* @vite-ignore */ path.join(ROOT, 'scripts/local-db.mjs'))
  return (await startStripeStandin({ port: await freePort(), webhookUrl: 'http://127.0.0.1:9/unused', log: () => {} })) as typeof stripe
}

interface Account {
  queues: Array<{ name: string }>
  buckets: Array<{ name: string }>
  secrets: Record<string, string[]>
  deployed: Array<{ name: string }>
}

/** A fresh fake account (secrets as given), a log, and a database; returns how to run deploy on it. */
async function freshAccount(secrets: Record<string, string[]> = ALL_SECRETS) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-deploy-account-'))
  const state = path.join(dir, 'account.json')
  const log = path.join(dir, 'calls.jsonl')
  fs.writeFileSync(state, JSON.stringify({ queues: [], buckets: [], secrets, deployed: [] }))
  const databaseUrl = await createDatabase(inject('cliAdminUrl'), 'deploy')
  const env = (extra: Record<string, string | undefined> = {}) => ({
    QUICKSCALE_WRANGLER: STAND_IN,
    STAND_IN_WRANGLER_STATE: state,
    STAND_IN_WRANGLER_LOG: log,
    // Two queues a page: the listing must follow the pages.
    STAND_IN_WRANGLER_PAGE_SIZE: '2',
    CLOUDFLARE_API_TOKEN: 'stand-in',
    DATABASE_URL: databaseUrl,
    RESEND_API_KEY: 're_live_deploy_test_123',
    STRIPE_SECRET_KEY: 'sk_live_deploytest123',
    STRIPE_WEBHOOK_SECRET: 'whsec_deploytest123',
    QUICKSCALE_STRIPE_API_BASE: stripe.baseUrl,
    ...extra,
  })
  return {
    databaseUrl,
    deploy: (args: string[] = [], extra: Record<string, string | undefined> = {}) => runCli(['deploy', '--smoke-url', healthUrl, ...args], { cwd: project, env: env(extra) }),
    account: () => JSON.parse(fs.readFileSync(state, 'utf8')) as Account,
    calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { argv: string[]; cwd: string }) : []),
  }
}

const MUTATING = /^(queues create|r2 bucket create|deploy(?! --dry-run)|secret put)/
const mutations = (calls: Array<{ argv: string[] }>) => calls.map((c) => c.argv.join(' ')).filter((c) => MUTATING.test(c))

beforeAll(async () => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-deploy-project-'))
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(project, 'package.json'))
  const toml = fs.readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8')
    .replace(/^name\s*=\s*".*"$/m, `name = "${WEB}"`)
    .replace(/^APP_URL\s*=.*$/m, 'APP_URL = "https://shop.quickscale.test"')
    .replace(/^ADMIN_EMAIL\s*=.*$/m, 'ADMIN_EMAIL = "ops@quickscale.test"')
    .replace(/^EMAIL_FROM\s*=.*$/m, 'EMAIL_FROM = "Shop <noreply@quickscale.test>"')
  fs.writeFileSync(path.join(project, 'wrangler.toml'), toml)
  fs.mkdirSync(path.join(project, 'workers/thumbnailer'), { recursive: true })
  fs.copyFileSync(path.join(ROOT, 'workers/thumbnailer/wrangler.toml'), path.join(project, 'workers/thumbnailer/wrangler.toml'))
  fs.symlinkSync(path.join(ROOT, 'src'), path.join(project, 'src'))
  fs.symlinkSync(path.join(ROOT, 'drizzle'), path.join(project, 'drizzle'))
  health = http.createServer((req, res) => {
    const ok = req.url === '/health' && healthAnswer.database === 'ok'
    res.writeHead(req.url === '/health' ? healthAnswer.status : 404, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ status: ok ? 'ok' : 'error', version: '0.1.0', database: { status: healthAnswer.database, latencyMs: 3 } }))
  })
  await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve))
  healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}`
  stripe = await startStandin()
})

afterAll(async () => {
  await new Promise((resolve) => health.close(resolve))
  await stripe.close()
  fs.rmSync(project, { recursive: true, force: true })
})

describe('quickscale deploy', () => {
  it('on a fresh account: creates the six queues (dead-letter queues first) and the bucket, migrates, deploys the thumbnailer then the web Worker, smoke-checks and prints the URL', async () => {
    const acct = await freshAccount()
    const run = await acct.deploy()
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(mutations(acct.calls())).toEqual([
      'queues create quickscale-thumbnails-dlq',
      'queues create quickscale-email-dlq',
      'queues create quickscale-account-deletion-dlq',
      'queues create quickscale-thumbnails',
      'queues create quickscale-email',
      'queues create quickscale-account-deletion',
      'r2 bucket create quickscale-files',
      'deploy -c workers/thumbnailer/wrangler.toml',
      'deploy',
    ])
    expect(acct.calls().every((c) => fs.realpathSync(c.cwd) === fs.realpathSync(project))).toBe(true)
    const account = acct.account()
    expect(account.queues.map((q) => q.name).sort()).toEqual([...QUEUES].sort())
    expect(account.buckets.map((b) => b.name)).toEqual(['quickscale-files'])
    expect(account.deployed.map((d) => d.name)).toEqual([THUMBNAILER, WEB])
    const [{ count }] = await query<{ count: string }>(acct.databaseUrl, 'select count(*) from drizzle.__drizzle_migrations')
    expect(Number(count)).toBe(fs.readdirSync(path.join(ROOT, 'drizzle')).filter((f) => f.endsWith('.sql')).length)
    expect(run.stdout).toMatch(/queue +quickscale-email-dlq +will be created \(dead-letter queue\)/)
    expect(run.stdout).toContain(`✔ smoke check ${healthUrl}/health`)
    expect(run.stdout).toContain('200, database ok (3 ms)')
    expect(run.stdout).toContain(`✔ Deployed ${THUMBNAILER} and ${WEB}: https://shop.quickscale.test`)
  }, 120_000)

  it('a second deploy creates nothing and deploys both Workers again', async () => {
    const acct = await freshAccount()
    expect((await acct.deploy()).code).toBe(0)
    const before = acct.calls().length
    const run = await acct.deploy()
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(mutations(acct.calls().slice(before))).toEqual(['deploy -c workers/thumbnailer/wrangler.toml', 'deploy'])
    expect(run.stdout).toContain('3/7 resources: all exist')
    expect(run.stdout).toMatch(/queue +quickscale-thumbnails +exists/)
    expect(run.stdout).toMatch(/migrations on postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/deploy_\w+: none pending/)
    expect(acct.account().queues).toHaveLength(6)
  }, 120_000)

  it('with a secret missing: changes nothing, prints the exact `wrangler secret put` lines per Worker, exit 3', async () => {
    const acct = await freshAccount({ [WEB]: ['DATABASE_URL', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] })
    const run = await acct.deploy()
    expect(run.code).toBe(3)
    expect(mutations(acct.calls())).toEqual([])
    expect(run.stdout).toMatch(new RegExp(`secrets of ${WEB} \\(wrangler.toml\\): DATABASE_URL set, RESEND_API_KEY missing`))
    expect(run.stdout).toContain(`secrets of ${THUMBNAILER} (workers/thumbnailer/wrangler.toml): DATABASE_URL missing`)
    expect(run.stderr).toContain(`✖ 2 secrets are not set in Cloudflare: DATABASE_URL of ${THUMBNAILER}, RESEND_API_KEY of ${WEB}. Nothing was changed.`)
    expect(run.stderr).toContain(`${THUMBNAILER} (workers/thumbnailer/wrangler.toml):\n      npx wrangler secret put DATABASE_URL -c workers/thumbnailer/wrangler.toml\n`)
    expect(run.stderr).toContain(`${WEB} (wrangler.toml):\n      npx wrangler secret put RESEND_API_KEY\n`)
    const [{ exists }] = await query<{ exists: string | null }>(acct.databaseUrl, "select to_regclass('drizzle.__drizzle_migrations')::text as exists")
    expect(exists).toBeNull()
  }, 60_000)

  it('when wrangler fails mid-way: says what was done and what was not; a re-run continues and completes', async () => {
    const acct = await freshAccount()
    const first = await acct.deploy([], { STAND_IN_WRANGLER_FAIL: '^queues create quickscale-thumbnails$' })
    expect(first.code).toBe(5)
    expect(first.stderr).toContain('✖ create queue quickscale-thumbnails failed: `wrangler queues create quickscale-thumbnails` failed: A request to the Cloudflare API')
    expect(first.stderr).toContain('done:     create queue quickscale-thumbnails-dlq; create queue quickscale-email-dlq; create queue quickscale-account-deletion-dlq\n')
    expect(first.stderr).toMatch(/not done: create queue quickscale-thumbnails; create queue quickscale-email; create queue quickscale-account-deletion; create R2 bucket quickscale-files; apply migrations \(\d+ pending\); deploy quickscale-thumbnailer .*; deploy quickscale-edge-deploy-test .*; smoke check/)
    expect(first.stderr).toContain('run `npx quickscale deploy` again')
    expect(acct.account().deployed).toEqual([])
    const before = acct.calls().length
    const second = await acct.deploy()
    expect(second.stderr).toBe('')
    expect(second.code).toBe(0)
    expect(mutations(acct.calls().slice(before))).toEqual([
      'queues create quickscale-thumbnails',
      'queues create quickscale-email',
      'queues create quickscale-account-deletion',
      'r2 bucket create quickscale-files',
      'deploy -c workers/thumbnailer/wrangler.toml',
      'deploy',
    ])
    expect(acct.account().deployed.map((d) => d.name)).toEqual([THUMBNAILER, WEB])
  }, 120_000)

  it('--dry-run prints the plan and changes nothing', async () => {
    const acct = await freshAccount()
    const run = await acct.deploy(['--dry-run'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(mutations(acct.calls())).toEqual([])
    for (const queue of QUEUES) expect(run.stdout).toMatch(new RegExp(`queue +${queue} +will be created`))
    expect(run.stdout).toMatch(/bucket +quickscale-files +will be created/)
    expect(run.stdout).toMatch(/migrations on postgresql:\/\/postgres:\*\*\*@[^:]+:\d+\/deploy_\w+: \d+ pending \(0000_/)
    expect(run.stdout).toContain(`deploy: ${THUMBNAILER}, then ${WEB}`)
    expect(run.stdout).toContain('✔ Dry run: the plan above would go through; nothing was changed.')
    const [{ exists }] = await query<{ exists: string | null }>(acct.databaseUrl, "select to_regclass('drizzle.__drizzle_migrations')::text as exists")
    expect(exists).toBeNull()
  }, 60_000)

  it('staging accepts Stripe test keys; production refuses them before any change', async () => {
    const acct = await freshAccount()
    const testKeys = { STRIPE_SECRET_KEY: 'sk_test_deploytest123' }
    const production = await acct.deploy([], testKeys)
    expect(production.code).toBe(1)
    expect(production.stdout).toContain('STRIPE_SECRET_KEY is a test key in production: use a live key (sk_live_…), or deploy a staging site with --env staging.')
    expect(mutations(acct.calls())).toEqual([])
    const staging = await acct.deploy(['--env', 'staging'], testKeys)
    expect(staging.stderr).toBe('')
    expect(staging.code).toBe(0)
    expect(staging.stdout).toContain('quickscale deploy (staging)')
    expect(acct.account().deployed.map((d) => d.name)).toEqual([THUMBNAILER, WEB])
    const live = await acct.deploy(['--env', 'staging', '--dry-run'])
    expect(live.code).toBe(1)
    expect(live.stdout).toContain('STRIPE_SECRET_KEY is a live key in staging: use a test key (sk_test_…).')
  }, 120_000)

  it('with the Stripe key exported, sets up Stripe after the smoke check (endpoint, portal, plans), idempotently; without it, says it skipped', async () => {
    const acct = await freshAccount()
    const own = await startStandin()
    try {
      const run = await acct.deploy([], { QUICKSCALE_STRIPE_API_BASE: own.baseUrl })
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      const hook = 'https://shop.quickscale.test/billing/webhook'
      expect(run.stdout).toContain(`stripe setup: webhook endpoint ${hook}, customer portal, plans (after the smoke check)`)
      expect(run.stdout).toMatch(/6\/7 smoke check[\s\S]*7\/7 Stripe/)
      expect(run.stdout).toContain(`✔ Stripe webhook endpoint ${hook}`)
      expect(run.stdout).toMatch(new RegExp(`webhook endpoint ${hook}: created \\(we_\\w+, API version `))
      expect(run.stdout).toContain('    npx wrangler secret put STRIPE_WEBHOOK_SECRET\n')
      expect(run.stdout).toContain('customer portal: created')
      expect(run.stdout).toMatch(/plans: pro: product prod_\w+/)
      expect([...own.standin.state.webhookEndpoints.values()].map((e) => e.url)).toEqual([hook])
      const again = await acct.deploy([], { QUICKSCALE_STRIPE_API_BASE: own.baseUrl })
      expect(again.code).toBe(0)
      expect(again.stdout).toContain(`webhook endpoint ${hook}: unchanged`)
      expect(again.stdout).toContain('customer portal: unchanged')
      expect(again.stdout).not.toContain('whsec_')
      expect(own.standin.state.webhookEndpoints.size).toBe(1)
      const skipped = await acct.deploy([], { STRIPE_SECRET_KEY: undefined, STRIPE_WEBHOOK_SECRET: undefined })
      expect(skipped.code).toBe(0)
      expect(skipped.stdout).toContain('stripe setup: skipped, STRIPE_SECRET_KEY is not exported (run `npx quickscale stripe setup --env production` with it)')
      expect(skipped.stdout).toContain('6/6 smoke check')
    } finally {
      await own.close()
    }
  }, 180_000)

  it('a failing smoke check says the Workers are deployed and what to look at (exit 5)', async () => {
    const acct = await freshAccount()
    healthAnswer = { status: 503, database: 'unreachable' }
    try {
      // Not the 60 s a real deploy waits: the server answers at once, so one attempt shows the answer.
      const run = await acct.deploy([], { QUICKSCALE_SMOKE_TIMEOUT_MS: '0' })
      expect(run.code).toBe(5)
      expect(run.stderr).toContain(`✖ smoke check ${healthUrl}/health failed: ${healthUrl}/health answered 503, database unreachable after 1 attempt`)
      expect(run.stderr).toMatch(/done: .*deploy quickscale-edge-deploy-test/)
    } finally {
      healthAnswer = { status: 200, database: 'ok' }
    }
  }, 120_000)
})
