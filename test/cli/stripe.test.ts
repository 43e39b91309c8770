import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { ROOT, createDatabase, query, runCli } from './helpers'

// `stripe sync` wraps billing's syncPlansToStripe. Which half runs depends on the tree: without the
// billing feature the command must say so; with it, it syncs against billing's local Stripe stand-in
// (no network), twice, and records the ids.
const billingInstalled = fs.existsSync(path.join(ROOT, 'src/billing/index.ts'))

describe('quickscale stripe sync', () => {
  it.runIf(!billingInstalled)('says plainly that billing is not installed, exit 3, never pretends', async () => {
    const run = await runCli(['stripe', 'sync'])
    expect(run.code).toBe(3)
    expect(run.stderr).toContain('Billing is not installed in this project')
    expect(run.stdout).not.toContain('✔')
  })

  it.runIf(billingInstalled)('creates the products and prices once, finds them the second time, and records the ids', async () => {
    const url = await createDatabase(inject('cliAdminUrl'))
    expect((await runCli(['db', 'migrate'], { env: { DATABASE_URL: url } })).code).toBe(0)
    // Loaded by path: the stand-in exists only where billing does.
    const standinModule = path.join(ROOT, 'scripts/stripe-standin/server.mjs')
    const { startStripeStandin, LOCAL_STRIPE_SECRET_KEY, LOCAL_STRIPE_WEBHOOK_SECRET } = await import(/* @vite-ignore */ standinModule)
    const { freePort } = await import(/* @vite-ignore */ path.join(ROOT, 'scripts/local-db.mjs'))
    const standin = await startStripeStandin({ port: await freePort(), webhookUrl: 'http://127.0.0.1:9/unused', log: () => {} })
    try {
      const env = { DATABASE_URL: url, STRIPE_SECRET_KEY: LOCAL_STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: LOCAL_STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE: standin.baseUrl }
      const first = await runCli(['stripe', 'sync'], { env })
      expect(first.stderr).toBe('')
      expect(first.code).toBe(0)
      expect(first.stdout).toMatch(/✔ pro: product prod_\w+, monthly price_\w+, yearly price_\w+ \(created /)
      const second = await runCli(['stripe', 'sync'], { env })
      expect(second.code).toBe(0)
      expect(second.stdout).toContain('(all found)')
      expect(second.stdout).not.toContain('(created')
      const rows = await query<{ id: string; product: string | null }>(url, 'select id, stripe_product_id as product from plans order by id')
      expect(rows.find((r) => r.id === 'pro')?.product).toMatch(/^prod_/)
    } finally {
      await standin.close()
    }
  })

  it.runIf(billingInstalled)('names the fix for a missing key, a live key in development and an unreachable Stripe', async () => {
    const url = await createDatabase(inject('cliAdminUrl'))
    expect((await runCli(['db', 'migrate'], { env: { DATABASE_URL: url } })).code).toBe(0)
    const missing = await runCli(['stripe', 'sync', '--env', 'production'], { env: { DATABASE_URL: url, STRIPE_SECRET_KEY: undefined } })
    expect(missing.code).toBe(3)
    expect(missing.stderr).toContain('STRIPE_SECRET_KEY is not set.')
    const live = await runCli(['stripe', 'sync'], { env: { DATABASE_URL: url, STRIPE_SECRET_KEY: 'sk_live_abc123' } })
    expect(live.code).toBe(3)
    expect(live.stderr).toContain('is not a test key, but the environment is development')
    const offline = await runCli(['stripe', 'sync'], { env: { DATABASE_URL: url, STRIPE_SECRET_KEY: 'sk_test_abc123', STRIPE_WEBHOOK_SECRET: 'whsec_x', STRIPE_API_BASE: 'http://127.0.0.1:1' } })
    expect(offline.code).toBe(5)
    expect(offline.stderr).toContain('Stripe sync failed')
    expect(offline.stderr).toContain('fix: Check the network')
  }, 120_000)
})
