import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from './helpers'

// `npm run smoke:stripe` (scripts/smoke-stripe.mjs): skips without a test key, refuses a live one, and with
// a test key runs the app's Stripe calls — here against billing's local stand-in (STRIPE_API_BASE).
const SCRIPT = path.join(ROOT, 'scripts/smoke-stripe.mjs')
const billingInstalled = fs.existsSync(path.join(ROOT, 'src/billing/index.ts'))

function smoke(env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  const full: Record<string, string | undefined> = { ...process.env, STRIPE_SECRET_KEY: undefined, STRIPE_API_BASE: undefined, ...env }
  for (const [k, v] of Object.entries(full)) if (v === undefined) delete full[k]
  return new Promise((resolve) => {
    execFile('node', [SCRIPT], { cwd: ROOT, env: full as NodeJS.ProcessEnv, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) })
    })
  })
}

describe('npm run smoke:stripe', () => {
  it('without a test key: prints why it skipped and exits 0; a live key is refused (exit 1) before any call', async () => {
    const none = await smoke({})
    expect(none.code).toBe(0)
    expect(none.stdout).toContain('smoke:stripe skipped: STRIPE_SECRET_KEY is not set')
    const other = await smoke({ STRIPE_SECRET_KEY: 'pk_test_publishable' })
    expect(other.code).toBe(0)
    expect(other.stdout).toContain('skipped: STRIPE_SECRET_KEY is not a Stripe test key')
    // Pointed at an address that would fail: a refused key must not get that far.
    for (const live of ['sk_live_abc', 'rk_live_abc']) {
      const run = await smoke({ STRIPE_SECRET_KEY: live, STRIPE_API_BASE: 'http://127.0.0.1:1' })
      expect(run.code).toBe(1)
      expect(run.stderr).toContain('smoke:stripe refuses a live key')
      expect(run.stdout).toBe('')
    }
  }, 60_000)

  it.runIf(billingInstalled)('with a test key: prices in chunks, customer, checkout and portal sessions, then removes what it made; a missing price or portal is named with its fix', async () => {
    const { startStripeStandin, LOCAL_STRIPE_SECRET_KEY } = await import(/* @vite-ignore */ path.join(ROOT, 'scripts/stripe-standin/server.mjs'))
    const { freePort } = await import(/* @vite-ignore */ path.join(ROOT, 'scripts/local-db.mjs'))
    const standin = await startStripeStandin({ port: await freePort(), webhookUrl: 'http://127.0.0.1:9/unused', log: () => {} })
    const api = async (apiPath: string, body: string) => (await (await fetch(`${standin.baseUrl}${apiPath}`, { method: 'POST', body, headers: { authorization: `Bearer ${LOCAL_STRIPE_SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded' } })).json()) as { id: string }
    const env = { STRIPE_SECRET_KEY: LOCAL_STRIPE_SECRET_KEY, STRIPE_API_BASE: standin.baseUrl }
    try {
      const unsynced = await smoke(env)
      expect(unsynced.code).toBe(1)
      expect(unsynced.stderr).toContain('✖ no synced plan price in this Stripe account')
      expect(unsynced.stderr).toContain('npx quickscale stripe setup --env staging')

      // What `stripe setup` leaves behind: the plan's product and price (by lookup key); no portal yet.
      await api('/v1/products', 'id=prod_quickscale_pro&name=Pro')
      const price = await api('/v1/prices', 'product=prod_quickscale_pro&currency=usd&unit_amount=1900&recurring[interval]=month&lookup_key=quickscale_pro_month')
      const noPortal = await smoke(env)
      expect(noPortal.code).toBe(1)
      expect(noPortal.stderr).toContain('no customer-portal configuration')
      expect(noPortal.stdout).toMatch(/✔ removed customer cus_\w+/)

      await api('/v1/billing_portal/configurations', 'features[invoice_history][enabled]=true&metadata[quickscale]=portal')
      const run = await smoke(env)
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.stdout).toContain('✔ prices by 12 lookup keys (2 requests): quickscale_pro_month')
      expect(run.stdout).toMatch(/✔ customer cus_\w+ with metadata.user_id/)
      expect(run.stdout).toContain(`for ${price.id} (quickscale_pro_month)`)
      expect(run.stdout).toMatch(/✔ portal session bps_\w+/)
      expect(run.stdout).toMatch(/✔ removed checkout session cs_test_\w+/)
      const customerId = /✔ customer (cus_\w+)/.exec(run.stdout)![1]!
      expect(standin.standin.state.customers.has(customerId)).toBe(false)
      const sessions = [...standin.standin.state.sessions.values()] as Array<{ status: string }>
      expect(sessions.length).toBeGreaterThan(0)
      expect(sessions.every((s) => s.status === 'expired')).toBe(true)
    } finally {
      await standin.close()
    }
  }, 120_000)
})
