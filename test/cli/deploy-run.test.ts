import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest'
import { deployProject, type DeployDependencies } from '../../src/cli/commands/deploy'
import { createWranglerRunner } from '../../src/cli/deploy/wrangler'
import { CliError, EXIT } from '../../src/cli/errors'
import { ROOT, createDatabase, query } from './helpers'

// `quickscale deploy`'s whole run in-process (deployProject, with the clock, the site's answer and wrangler
// passed in): the stand-in wrangler's fake account, a fresh database, billing's Stripe stand-in. The same
// command as a process, with every resource and re-run case, is deploy.slow.test.ts.

// Stripe setup loads billing's entry, whose modules export Durable Object classes: outside workerd,
// `cloudflare:workers` is the load-only stand-in the CLI itself uses (bin/runtime-hooks.mjs).
// @ts-expect-error plain .mjs stand-in, no types
vi.mock('cloudflare:workers', () => import('../../bin/cloudflare-workers-stub.mjs'))

const STAND_IN = path.join(ROOT, 'test/cli/stand-in-wrangler.mjs')
const billingInstalled = fs.existsSync(path.join(ROOT, 'src/billing/index.ts'))
const SITE = 'https://shop.acme.test'
let project: string
let stripe: { baseUrl: string; close: () => Promise<void> }
const saved = { ...process.env }

beforeAll(async () => {
  // A copy of this project's configs with real addresses (src/ and drizzle/ linked), as deploy.slow does.
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-deploy-run-'))
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(project, 'package.json'))
  fs.writeFileSync(path.join(project, 'wrangler.toml'), fs.readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8')
    .replace(/^name\s*=\s*".*"$/m, 'name = "acme-shop"')
    .replace(/^APP_URL\s*=.*$/m, `APP_URL = "${SITE}"`)
    .replace(/^ADMIN_EMAIL\s*=.*$/m, 'ADMIN_EMAIL = "ops@acme.test"')
    .replace(/^EMAIL_FROM\s*=.*$/m, 'EMAIL_FROM = "Acme <noreply@acme.test>"'))
  fs.mkdirSync(path.join(project, 'workers/thumbnailer'), { recursive: true })
  fs.copyFileSync(path.join(ROOT, 'workers/thumbnailer/wrangler.toml'), path.join(project, 'workers/thumbnailer/wrangler.toml'))
  fs.symlinkSync(path.join(ROOT, 'src'), path.join(project, 'src'))
  fs.symlinkSync(path.join(ROOT, 'drizzle'), path.join(project, 'drizzle'))
  const server = await import(/* @vite-ignore */ path.join(ROOT, 'scripts/stripe-standin/server.mjs'))
  const { freePort } = await import(/* @vite-ignore */ path.join(ROOT, 'scripts/local-db.mjs'))
  stripe = await server.startStripeStandin({ port: await freePort(), webhookUrl: 'http://127.0.0.1:9/unused', log: () => {} })
  // What deploy reads from the shell: the exported secrets, and which wrangler to run (the check's build too).
  Object.assign(process.env, {
    QUICKSCALE_WRANGLER: STAND_IN, RESEND_API_KEY: 're_live_deployrun_123', STRIPE_SECRET_KEY: 'sk_live_deployrun123',
    STRIPE_WEBHOOK_SECRET: 'whsec_deployrun123', QUICKSCALE_STRIPE_API_BASE: stripe.baseUrl,
  })
})

afterAll(async () => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
  Object.assign(process.env, saved)
  await stripe?.close()
  if (project) fs.rmSync(project, { recursive: true, force: true })
})

/** A fake Cloudflare account (the stand-in's JSON file) with these secrets; the site answers `health`. */
function account(secrets: Record<string, string[]>, health: { status: number; database: string }) {
  const state = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qs-deploy-run-account-')), 'account.json')
  fs.writeFileSync(state, JSON.stringify({ queues: [], buckets: [], secrets, deployed: [] }))
  const env = { ...process.env, STAND_IN_WRANGLER_STATE: state }
  let clock = 0
  const deps: DeployDependencies = {
    wrangler: createWranglerRunner(project, env, () => {}),
    fetch: (async () => new Response(JSON.stringify({ status: health.database === 'ok' ? 'ok' : 'error', database: { status: health.database, latencyMs: 4 } }), { status: health.status, headers: { 'content-type': 'application/json' } })) as unknown as typeof fetch,
    now: () => clock,
    sleep: async (ms) => { clock += ms },
  }
  return { deps, read: () => JSON.parse(fs.readFileSync(state, 'utf8')) as { queues: Array<{ name: string }>; buckets: Array<{ name: string }>; deployed: Array<{ name: string }> } }
}

/** Runs deploy, collecting what it prints on stdout and stderr. */
async function deploy(deps: DeployDependencies, options: { dryRun?: boolean } = {}) {
  const out: string[] = []
  const err: string[] = []
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { out.push(String(chunk)); return true })
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { err.push(String(chunk)); return true })
  try {
    const error = await deployProject(project, { target: 'production', dryRun: options.dryRun ?? false, smokeTimeoutMs: 10_000 }, deps).then(() => undefined, (e: unknown) => e)
    return { error, stdout: out.join(''), stderr: err.join('') }
  } finally {
    stdout.mockRestore()
    stderr.mockRestore()
  }
}

const ALL_SECRETS = { 'quickscale-thumbnailer': ['DATABASE_URL'], 'acme-shop': ['DATABASE_URL', 'RESEND_API_KEY', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] }

describe('quickscale deploy, in-process', () => {
  it('refuses before any change: every refusal listed, the last one thrown with "Nothing was changed."', async () => {
    Reflect.deleteProperty(process.env, 'DATABASE_URL')
    const acct = account({}, { status: 200, database: 'ok' })
    const run = await deploy(acct.deps)
    expect(run.error).toBeInstanceOf(CliError)
    expect((run.error as CliError).message).toBe('DATABASE_URL is not exported: deploy applies the migrations from this machine. Nothing was changed.')
    expect((run.error as CliError).exitCode).toBe(EXIT.config)
    expect(run.stderr).toMatch(/^✖ 1 check failed \(listed above\)\.$/m)
    expect(run.stderr).toMatch(/^✖ 5 secrets are not set in Cloudflare: DATABASE_URL of quickscale-thumbnailer, DATABASE_URL of acme-shop/m)
    expect(run.stdout).toContain('  migrations: unknown (no database)')
    expect(acct.read()).toMatchObject({ queues: [], buckets: [], deployed: [] })
  }, 120_000)

  it('on a fresh account: creates, migrates, deploys both Workers, smoke-checks, sets up Stripe; a dry run then finds nothing to do', async () => {
    const databaseUrl = await createDatabase(inject('cliAdminUrl'), 'deploy_run')
    process.env.DATABASE_URL = databaseUrl
    const acct = account(ALL_SECRETS, { status: 200, database: 'ok' })
    const run = await deploy(acct.deps)
    expect(run.error).toBeUndefined()
    // (Node's own warnings, such as the experimental WebAssembly import, may share stderr in-process.)
    expect(run.stderr).not.toContain('✖')
    const state = acct.read()
    expect(state.queues).toHaveLength(6)
    expect(state.buckets).toHaveLength(1)
    expect(state.deployed.map((d) => d.name)).toEqual(['quickscale-thumbnailer', 'acme-shop'])
    const migrations = fs.readdirSync(path.join(ROOT, 'drizzle')).filter((f) => f.endsWith('.sql')).length
    expect(run.stdout).toContain(`  ✔ apply migrations (${migrations} pending)`)
    expect(await query(databaseUrl, 'select count(*)::int as n from drizzle.__drizzle_migrations')).toEqual([{ n: migrations }])
    expect(run.stdout).toContain(`3/${billingInstalled ? 7 : 6} resources: 7 to create`)
    expect(run.stdout).toContain(`    ${SITE}/health: 200, database ok (4 ms)`)
    if (billingInstalled) {
      expect(run.stdout).toMatch(/ {4}webhook endpoint https:\/\/shop\.acme\.test\/billing\/webhook: created \(we_\w+/)
      expect(run.stdout).toContain("  ! until then the web Worker's STRIPE_WEBHOOK_SECRET is another endpoint's")
      expect(run.stdout).toContain('  ✔ Stripe plans')
    }
    expect(run.stdout).toContain(`✔ Deployed quickscale-thumbnailer and acme-shop: ${SITE}`)

    const dry = await deploy(acct.deps, { dryRun: true })
    expect(dry.error).toBeUndefined()
    expect(dry.stdout).toMatch(/migrations on postgresql:\/\/[^:]+:\*\*\*@[^ ]+: none pending/)
    expect(dry.stdout).toContain('✔ Dry run: the plan above would go through; nothing was changed.')
    expect(acct.read().deployed).toHaveLength(2)
  }, 180_000)

  it('a site that never answers healthy stops deploy at the smoke check (exit 5), Stripe not touched', async () => {
    const databaseUrl = await createDatabase(inject('cliAdminUrl'), 'deploy_run')
    process.env.DATABASE_URL = databaseUrl
    const acct = account(ALL_SECRETS, { status: 503, database: 'unreachable' })
    const run = await deploy(acct.deps)
    expect(run.error).toBeInstanceOf(CliError)
    expect((run.error as CliError).message).toBe(`Deploy stopped at "smoke check ${SITE}/health".`)
    expect((run.error as CliError).exitCode).toBe(EXIT.service)
    expect(run.stderr).toMatch(new RegExp(`✖ smoke check ${SITE}/health failed: ${SITE}/health answered 503, database unreachable after \\d+ attempts \\(the Workers are deployed; is APP_URL routed to it, and is DATABASE_URL right\\?`))
    if (billingInstalled) expect(run.stderr).toMatch(/not done: smoke check [^;]+; Stripe webhook endpoint/)
    expect(acct.read().deployed).toHaveLength(2)
  }, 180_000)
})
