import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ROOT, createDatabase, query, runCli } from './helpers'

// `quickscale stripe setup` against billing's local Stripe stand-in (scripts/stripe-standin/), in a copy of
// this project's config with a real APP_URL (src/ and drizzle/ linked in). Each test gets its own stand-in,
// so Stripe's state starts empty; what the CLI must match is read from billing's own definitions.
const billingInstalled = fs.existsSync(path.join(ROOT, 'src/billing/index.ts'))
const APP_URL = 'https://shop.quickscale.test'
const WEBHOOK_URL = `${APP_URL}/billing/webhook`

let project: string
let handled: string[]
let apiVersion: string

beforeAll(async () => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-stripe-setup-'))
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(project, 'package.json'))
  fs.writeFileSync(path.join(project, 'wrangler.toml'), fs.readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8').replace(/^APP_URL\s*=.*$/m, `APP_URL = "${APP_URL}"`))
  fs.symlinkSync(path.join(ROOT, 'src'), path.join(project, 'src'))
  fs.symlinkSync(path.join(ROOT, 'drizzle'), path.join(project, 'drizzle'))
  if (!billingInstalled) return
  // The expectations come from the app and the SDK, not from a copy in this file.
  const source = fs.readFileSync(path.join(ROOT, 'src/billing/webhook.ts'), 'utf8')
  handled = [...source.slice(source.indexOf('HANDLED_EVENTS'), source.indexOf('])', source.indexOf('HANDLED_EVENTS'))).matchAll(/'([\w.]+)'/g)].map((m) => m[1]!).sort()
  apiVersion = (await import('stripe')).default.API_VERSION
})

afterAll(() => fs.rmSync(project, { recursive: true, force: true }))

async function withStandin(run: (ctx: { env: Record<string, string>; api: (method: string, path: string, body?: string) => Promise<Record<string, unknown>>; url: string }) => Promise<void>) {
  const url = await createDatabase(inject('cliAdminUrl'))
  expect((await runCli(['db', 'migrate'], { env: { DATABASE_URL: url } })).code).toBe(0)
  const { startStripeStandin, LOCAL_STRIPE_SECRET_KEY } = await import(/* @vite-ignore */ path.join(ROOT, 'scripts/stripe-standin/server.mjs'))
  const { freePort } = await import(/* @vite-ignore */ path.join(ROOT, 'scripts/local-db.mjs'))
  const standin = await startStripeStandin({ port: await freePort(), webhookUrl: 'http://127.0.0.1:9/unused', log: () => {} })
  const api = async (method: string, apiPath: string, body?: string) => {
    const res = await fetch(`${standin.baseUrl}${apiPath}`, { method, body, headers: { authorization: `Bearer ${LOCAL_STRIPE_SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded' } })
    return (await res.json()) as Record<string, unknown>
  }
  try {
    await run({ env: { DATABASE_URL: url, STRIPE_SECRET_KEY: LOCAL_STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET: 'whsec_x', STRIPE_API_BASE: standin.baseUrl }, api, url })
  } finally {
    await standin.close()
  }
}

const setup = (env: Record<string, string>, args: string[] = []) => runCli(['stripe', 'setup', '--env', 'staging', ...args], { cwd: project, env })
const endpoints = async (api: (m: string, p: string) => Promise<Record<string, unknown>>) =>
  (await api('GET', '/v1/webhook_endpoints?limit=100')).data as Array<{ id: string; url: string; api_version: string; enabled_events: string[]; status: string; secret?: string }>
const form = (events: string[], extra = '') => events.map((e) => `enabled_events[]=${encodeURIComponent(e)}`).join('&') + `&url=${encodeURIComponent(WEBHOOK_URL)}${extra}`

describe.runIf(billingInstalled)('quickscale stripe setup', () => {
  it('creates the endpoint (URL, pinned API version, exactly the handled events), the portal and the plans; a second run changes nothing', async () => {
    await withStandin(async ({ env, api, url }) => {
      const first = await setup(env)
      expect(first.stderr).toBe('')
      expect(first.code).toBe(0)
      const [endpoint, ...more] = await endpoints(api)
      expect(more).toEqual([])
      expect(endpoint).toMatchObject({ url: WEBHOOK_URL, api_version: apiVersion, status: 'enabled' })
      expect([...endpoint!.enabled_events].sort()).toEqual(handled)
      expect(endpoint!.secret).toBeUndefined()
      expect(first.stdout).toContain(`✔ webhook endpoint ${WEBHOOK_URL}: created (${endpoint!.id}, API version ${apiVersion}, ${handled.length} events)`)
      // The secret is printed once, with the exact line that stores it.
      expect(first.stdout).toMatch(/signing secret \(shown only now\): whsec_\w+/)
      expect(first.stdout).toContain('    npx wrangler secret put STRIPE_WEBHOOK_SECRET\n')
      const portals = (await api('GET', '/v1/billing_portal/configurations')).data as Array<{ id: string; is_default: boolean }>
      expect(portals).toHaveLength(1)
      expect(first.stdout).toContain(`✔ customer portal: created (${portals[0]!.id}:`)
      expect(first.stdout).toMatch(/✔ plans: pro: product prod_\w+, monthly price_\w+, yearly price_\w+ \(created /)
      const rows = await query<{ id: string; monthly: string | null }>(url, 'select id, stripe_monthly_price_id as monthly from plans order by id')
      expect(rows.find((r) => r.id === 'pro')?.monthly).toMatch(/^price_/)

      const second = await setup(env)
      expect(second.stderr).toBe('')
      expect(second.code).toBe(0)
      expect(second.stdout).toContain(`✔ webhook endpoint ${WEBHOOK_URL}: unchanged (${endpoint!.id}`)
      expect(second.stdout).toContain(`✔ customer portal: unchanged (the kit's configuration ${portals[0]!.id})`)
      expect(second.stdout).toContain('(unchanged)')
      expect(second.stdout).not.toMatch(/created|whsec_/)
      expect(await endpoints(api)).toHaveLength(1)
      expect((await api('GET', '/v1/billing_portal/configurations')).data).toHaveLength(1)
    })
  }, 120_000)

  it('updates an endpoint with missing or extra events (and a disabled one) to exactly the handled events', async () => {
    await withStandin(async ({ env, api }) => {
      const created = await api('POST', '/v1/webhook_endpoints', form([...handled.slice(1), 'charge.refunded'], `&api_version=${apiVersion}`))
      await api('POST', `/v1/webhook_endpoints/${created.id}`, 'disabled=true')
      const run = await setup(env)
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.stdout).toContain(`✔ webhook endpoint ${WEBHOOK_URL}: updated (${created.id}: added ${handled[0]}; removed charge.refunded; enabled again)`)
      expect(run.stdout).not.toContain('whsec_')
      const [endpoint, ...more] = await endpoints(api)
      expect(more).toEqual([])
      expect([...endpoint!.enabled_events].sort()).toEqual(handled)
      expect(endpoint!.status).toBe('enabled')
    })
  }, 120_000)

  it('reports an endpoint in another API version with the fix, still sets up the portal and plans (exit 1); --replace-endpoint makes a pinned one beside it', async () => {
    await withStandin(async ({ env, api }) => {
      const old = await api('POST', '/v1/webhook_endpoints', form(handled, '&api_version=2024-06-20'))
      const run = await setup(env)
      expect(run.code).toBe(1)
      expect(run.stderr).toContain(`✖ The webhook endpoint ${old.id} at ${WEBHOOK_URL} renders events in 2024-06-20, but the app's Stripe SDK uses ${apiVersion}; Stripe cannot change an endpoint's API version`)
      expect(run.stderr).toContain('npx quickscale stripe setup --env staging --replace-endpoint')
      expect(run.stderr).toContain('npx wrangler secret put STRIPE_WEBHOOK_SECRET')
      expect(run.stdout).toContain('✔ customer portal: created')
      expect(run.stdout).toContain('✔ plans: pro:')
      expect(await endpoints(api)).toHaveLength(1)

      const replaced = await setup(env, ['--replace-endpoint'])
      expect(replaced.code).toBe(0)
      const pinned = (await endpoints(api)).find((e) => e.api_version === apiVersion)!
      expect(replaced.stdout).toContain(`✔ webhook endpoint ${WEBHOOK_URL}: created (${pinned.id}, API version ${apiVersion}`)
      expect(replaced.stdout).toMatch(/signing secret \(shown only now\): whsec_\w+/)
      expect(replaced.stdout).toContain(`! delete ${old.id} (2024-06-20) once STRIPE_WEBHOOK_SECRET holds the new secret`)
      // Afterwards the pinned endpoint is used, and the old one is named until it is deleted.
      const again = await setup(env)
      expect(again.code).toBe(0)
      expect(again.stdout).toContain(`✔ webhook endpoint ${WEBHOOK_URL}: unchanged (${pinned.id}`)
      expect(again.stdout).toContain(`! webhook endpoint ${old.id} (2024-06-20) also sends to ${WEBHOOK_URL}`)
    })
  }, 120_000)

  it('refuses a live key for staging and names the fix when Stripe is unreachable', async () => {
    const url = await createDatabase(inject('cliAdminUrl'))
    const live = await setup({ DATABASE_URL: url, STRIPE_SECRET_KEY: 'sk_live_abc123' })
    expect(live.code).toBe(3)
    expect(live.stderr).toContain('is not a test key, but the environment is staging')
    const offline = await setup({ DATABASE_URL: url, STRIPE_SECRET_KEY: 'sk_test_abc123', STRIPE_API_BASE: 'http://127.0.0.1:1' })
    expect(offline.code).toBe(5)
    expect(offline.stderr).toContain('Stripe setup (webhook endpoint) failed')
    expect(offline.stderr).toContain('fix: Check the network')
  }, 60_000)
})
