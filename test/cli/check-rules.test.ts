import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkBindings, checkNodeVersion, checkVariables, variableRules } from '../../src/cli/checks'

// The rules behind `quickscale check` (and deploy's refusals), in-process: check.test.ts runs the command
// on a good and a broken project; here every rule's failure says what is wrong and which fix applies.

/** A project folder with the Worker entry (and optionally a companion Worker consuming `consumes`). */
function project(consumes?: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-check-rules-'))
  fs.mkdirSync(path.join(root, 'src'))
  fs.writeFileSync(path.join(root, 'src', 'index.tsx'), 'export default {}\n')
  if (consumes) {
    fs.mkdirSync(path.join(root, 'workers', 'reports'), { recursive: true })
    fs.writeFileSync(path.join(root, 'workers', 'reports', 'wrangler.toml'), `name = "reports"\n[[queues.consumers]]\nqueue = "${consumes}"\n`)
    fs.mkdirSync(path.join(root, 'workers', 'notes')) // a folder without a config is not a Worker
  }
  return root
}

const details = (results: { status: string; detail: string }[]) => results.map((r) => `${r.status}: ${r.detail}`)

describe('Node version', () => {
  it('passes from 22.12 and fails below it with the way to get Node 24', () => {
    expect(checkNodeVersion('24.1.0').status).toBe('pass')
    expect(checkNodeVersion('22.12.0').status).toBe('pass')
    const old = checkNodeVersion('22.11.9')
    expect(old.status).toBe('fail')
    expect(old.detail).toMatch(/^Node\.js 22\.11\.9 is too old/)
    expect(old.fix).toMatch(/scripts\/use-node\.sh/)
    expect(checkNodeVersion('20.19.0').status).toBe('fail')
  })
})

describe('bindings', () => {
  it('a complete config passes, counting every binding; production adds "no placeholders"', () => {
    const root = project('jobs')
    const config = {
      main: 'src/index.tsx', name: 'acme',
      queues: { producers: [{ binding: 'JOBS', queue: 'jobs' }, { binding: 'MAIL', queue: 'mail' }], consumers: [{ queue: 'mail' }] },
      durable_objects: { bindings: [{ name: 'ROOM', class_name: 'Room' }, { name: 'OTHER', class_name: 'Elsewhere', script_name: 'other-worker' }] },
      migrations: [{ tag: 'v1', new_sqlite_classes: ['Room'] }],
      r2_buckets: [{ binding: 'FILES', bucket_name: 'acme-files' }],
      kv_namespaces: [{ binding: 'CACHE', id: '0f3c9a1b' }],
    }
    expect(details(checkBindings(root, config, 'development'))).toEqual(['pass: wrangler.toml: 7 bindings complete'])
    expect(details(checkBindings(root, config, 'production'))).toEqual(['pass: wrangler.toml: 7 bindings complete, no placeholders'])
    // An older [[migrations]] entry with new_classes counts too.
    expect(checkBindings(root, { ...config, migrations: [{ tag: 'v1', new_classes: ['Room'] }] }, 'development')[0]!.status).toBe('pass')
  })

  it('names each incomplete binding and its fix', () => {
    const root = project()
    const config = {
      main: 'src/missing.tsx',
      queues: { producers: [{ binding: 'JOBS' }, { binding: 'MAIL', queue: 'mail' }] },
      durable_objects: { bindings: [{ name: 'ROOM' }, { name: 'CHAT', class_name: 'Chat' }] },
      r2_buckets: [{ binding: 'FILES' }, {}],
      kv_namespaces: [{ binding: 'CACHE' }],
    }
    const results = checkBindings(root, config, 'development')
    expect(details(results)).toEqual([
      'fail: wrangler.toml: main = "src/missing.tsx" does not exist.',
      'fail: wrangler.toml: a [[queues.producers]] entry lacks binding or queue.',
      'fail: wrangler.toml: queue "mail" is produced but nothing consumes it.',
      'fail: wrangler.toml: a [[durable_objects.bindings]] entry lacks name or class_name.',
      'fail: wrangler.toml: Durable Object Chat has no [[migrations]] entry.',
      'fail: wrangler.toml: [[r2_buckets]] FILES has no bucket_name.',
      'fail: wrangler.toml: [[r2_buckets]] ? has no bucket_name.',
      'fail: wrangler.toml: [[kv_namespaces]] CACHE has no id.',
    ])
    expect(results[4]!.fix).toBe('Add a [[migrations]] entry with new_sqlite_classes = ["Chat"].')
    expect(details(checkBindings(root, {}, 'development'))).toEqual(['fail: wrangler.toml: main = "" does not exist.'])
  })

  it('in production, refuses a placeholder Worker name and placeholder resource names', () => {
    const root = project()
    const config = { main: 'src/index.tsx', name: 'your-app', r2_buckets: [{ binding: 'FILES', bucket_name: 'changeme-files' }], kv_namespaces: [{ binding: 'CACHE', id: '<kv id>' }] }
    const results = checkBindings(root, config, 'production')
    expect(details(results)).toEqual([
      'fail: wrangler.toml: name = "your-app" is not a real Worker name.',
      'fail: wrangler.toml: [[r2_buckets]] FILES = "changeme-files" is a placeholder.',
      'fail: wrangler.toml: [[kv_namespaces]] CACHE = "<kv id>" is a placeholder.',
    ])
    expect(results[1]!.fix).toMatch(/npx wrangler r2 bucket create/)
    expect(results[2]!.fix).toMatch(/npx wrangler kv namespace create/)
    expect(details(checkBindings(root, { main: 'src/index.tsx' }, 'production'))).toEqual(['fail: wrangler.toml: name = "" is not a real Worker name.'])
    // The same names are fine while developing.
    expect(checkBindings(root, config, 'development')[0]!.status).toBe('pass')
  })
})

describe('variables', () => {
  const good = {
    ENVIRONMENT: 'production', APP_URL: 'https://shop.acme.io', DATABASE_URL: 'postgresql://app:pw@ep-1.eu.aws.neon.tech/app?sslmode=require',
    ADMIN_EMAIL: 'ops@acme.io', EMAIL_FROM: 'Acme <noreply@acme.io>', RESEND_API_KEY: 're_abcdefgh123', APP_NAME: 'Acme',
    STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_WEBHOOK_SECRET: 'whsec_abc',
  }
  const prod = variableRules('production', true, 'the production secrets')

  it('well-formed production values pass, and say which are set only in Cloudflare', () => {
    expect(details(checkVariables(good, prod))).toEqual([`pass: 9 variables well-formed (${Object.keys(good).join(', ')})`])
    const { RESEND_API_KEY: _key, ...exported } = good
    expect(details(checkVariables(exported, prod, new Set(['RESEND_API_KEY'])))).toEqual([`pass: 8 variables well-formed (${Object.keys(exported).join(', ')}); set in Cloudflare, not exported: RESEND_API_KEY`])
  })

  it('each malformed production value fails with its reason', () => {
    const bad = {
      ENVIRONMENT: 'development', APP_URL: 'http://shop.acme.io', DATABASE_URL: 'postgresql://app:pw@127.0.0.1:5432/app', ADMIN_EMAIL: 'ops@example.com',
      EMAIL_FROM: 'Acme <noreply@example.com>', RESEND_API_KEY: 'resend-key', APP_NAME: '  ', HIBP_API_BASE: 'http://127.0.0.1:9999', NEON_WS_PROXY: '127.0.0.1:54330',
      OAUTH_STANDIN_URL: 'http://127.0.0.1:12112',
      STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec-nope', STRIPE_API_BASE: 'http://127.0.0.1:12111',
    }
    expect(details(checkVariables(bad, prod))).toEqual([
      'fail: ENVIRONMENT is "development", expected "production".',
      'fail: APP_URL must be https:// in production.',
      'fail: DATABASE_URL points at this machine, not your production database.',
      'fail: ADMIN_EMAIL is a placeholder ("ops@example.com").',
      'fail: EMAIL_FROM is a placeholder ("Acme <noreply@example.com>").',
      'fail: RESEND_API_KEY does not look like a Resend API key (re_…).',
      'fail: APP_NAME is empty.',
      'fail: HIBP_API_BASE points at http://127.0.0.1:9999, not the breach-check service.',
      'fail: NEON_WS_PROXY is set: production must talk to Neon directly.',
      'fail: OAUTH_STANDIN_URL is set: production signs in with the real GitHub and Google.',
      'fail: STRIPE_SECRET_KEY is a test key in production: use a live key (sk_live_…), or deploy a staging site with --env staging.',
      'fail: STRIPE_WEBHOOK_SECRET does not look like a Stripe webhook signing secret (whsec_…).',
      'fail: STRIPE_API_BASE is set: production must talk to api.stripe.com.',
    ])
    const more = { ...good, APP_URL: 'https://localhost:8787', DATABASE_URL: 'mysql://x', ADMIN_EMAIL: 'ops', EMAIL_FROM: 'Acme', STRIPE_SECRET_KEY: 'pk_live_abc' }
    expect(details(checkVariables(more, prod))).toEqual([
      'fail: APP_URL is a placeholder ("https://localhost:8787").',
      'fail: DATABASE_URL is not a postgres:// connection string.',
      'fail: ADMIN_EMAIL is not an email address.',
      'fail: EMAIL_FROM has no valid sender address.',
      'fail: STRIPE_SECRET_KEY does not look like a Stripe secret key (sk_test_… or sk_live_…).',
    ])
    expect(details(checkVariables({ ...good, APP_URL: 'shop.acme.io' }, prod))).toEqual(['fail: APP_URL is not a URL.'])
  })

  it('deploy may migrate through a tunnel on this machine; staging wants test keys', () => {
    const tunnel = { ...good, DATABASE_URL: 'postgresql://app:pw@localhost:6543/app' }
    expect(checkVariables(tunnel, variableRules('production', true, 'x', 'live', { migrationsOnlyDatabaseUrl: true }))[0]!.status).toBe('pass')
    const staging = variableRules('production', true, 'x', 'test')
    expect(details(checkVariables(good, staging))).toEqual(['fail: STRIPE_SECRET_KEY is a live key in staging: use a test key (sk_test_…).'])
    expect(checkVariables({ ...good, STRIPE_SECRET_KEY: 'rk_test_abc' }, staging)[0]!.status).toBe('pass')
  })

  it('missing required values fail with the fix for the environment; optional ones may be absent', () => {
    const prodFixes = checkVariables({}, prod)
    expect(prodFixes.map((r) => r.detail)).toEqual(['ENVIRONMENT', 'APP_URL', 'DATABASE_URL', 'ADMIN_EMAIL', 'EMAIL_FROM', 'RESEND_API_KEY', 'APP_NAME', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'].map((n) => `${n} is missing.`))
    expect(prodFixes[2]!.fix).toBe('Run `npx wrangler secret put DATABASE_URL` and export DATABASE_URL for this check.')
    // Without billing, production needs no Stripe keys; development never needs Resend or Stripe.
    expect(checkVariables({}, variableRules('production', false, 'x')).map((r) => r.detail)).not.toContain('STRIPE_SECRET_KEY is missing.')
    const dev = checkVariables({}, variableRules('development', true, '.dev.vars'))
    expect(dev.map((r) => r.detail)).toEqual(['ENVIRONMENT', 'APP_URL', 'DATABASE_URL', 'ADMIN_EMAIL', 'EMAIL_FROM', 'APP_NAME'].map((n) => `${n} is missing.`))
    expect(dev[0]!.fix).toBe('Add ENVIRONMENT=development to .dev.vars.')
    expect(dev[2]!.fix).toBe('Run `npm run db:start` (it writes DATABASE_URL to .dev.vars).')
  })

  it('development accepts local addresses and test keys, refuses a live key, and a key without its webhook secret', () => {
    const rules = variableRules('development', true, '.dev.vars')
    const local = { ENVIRONMENT: 'development', APP_URL: 'http://127.0.0.1:8787', DATABASE_URL: 'postgres://u@127.0.0.1:54329/app', ADMIN_EMAIL: 'admin@example.com', EMAIL_FROM: 'noreply@example.com', APP_NAME: 'Acme', HIBP_API_BASE: 'http://127.0.0.1:9', NEON_WS_PROXY: '127.0.0.1:54330', STRIPE_API_BASE: 'http://127.0.0.1:12111' }
    expect(checkVariables(local, rules)[0]!.status).toBe('pass')
    expect(details(checkVariables({ ...local, STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_WEBHOOK_SECRET: 'whsec_abc' }, rules))).toEqual(['fail: STRIPE_SECRET_KEY is a live key in development: use a test key (sk_test_…).'])
    const halfBilling = checkVariables({ ...local, STRIPE_SECRET_KEY: 'sk_test_abc' }, rules)
    expect(details(halfBilling)).toEqual(['fail: STRIPE_WEBHOOK_SECRET is missing (STRIPE_SECRET_KEY is set).'])
    expect(halfBilling[0]!.fix).toBe('Add STRIPE_WEBHOOK_SECRET=whsec_… to .dev.vars (`stripe listen` prints one).')
    // Set in Cloudflare counts; a malformed one is reported once, not twice.
    expect(checkVariables({ ...local, STRIPE_SECRET_KEY: 'sk_test_abc' }, rules, new Set(['STRIPE_WEBHOOK_SECRET']))[0]!.status).toBe('pass')
    expect(details(checkVariables({ ...local, STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'nope' }, rules))).toEqual(['fail: STRIPE_WEBHOOK_SECRET does not look like a Stripe webhook signing secret (whsec_…).'])
    // Rules without the webhook secret (a caller's own list) have nothing to add.
    expect(checkVariables({ STRIPE_SECRET_KEY: 'sk_test_abc' }, rules.filter((r) => r.name === 'STRIPE_SECRET_KEY'))[0]!.status).toBe('pass')
  })
})
