import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { CliError, EXIT } from '../../src/cli/errors'
import { asStripeFailure, createSetupContext, ensurePortalConfiguration, ensureWebhookEndpoint, formatSecretLines, webhookUrlOf, type StripeSetupContext } from '../../src/cli/stripe-setup'
import { ROOT } from './helpers'

// `quickscale stripe setup`'s decisions in-process, with billing's own entry and the real Stripe SDK
// talking to the local Stripe stand-in (scripts/stripe-standin/): the endpoint's every state (none,
// matching, drifted, disabled, another API version) and the portal. The whole command, plans and
// database included, runs in stripe-setup.slow.test.ts.

// Billing's entry loads the app's modules, some of which export Durable Object classes: outside workerd,
// `cloudflare:workers` is the same load-only stand-in the CLI itself uses (bin/runtime-hooks.mjs).
// @ts-expect-error plain .mjs stand-in, no types
vi.mock('cloudflare:workers', () => import('../../bin/cloudflare-workers-stub.mjs'))

const billingInstalled = fs.existsSync(path.join(ROOT, 'src/billing/index.ts'))
const APP_URL = 'https://shop.acme.test'
const WEBHOOK_URL = `${APP_URL}/billing/webhook`

let standin: { baseUrl: string; close: () => Promise<void> }
let key: string

beforeAll(async () => {
  if (!billingInstalled) return
  const server = await import(/* @vite-ignore */ path.join(ROOT, 'scripts/stripe-standin/server.mjs'))
  const { freePort } = await import(/* @vite-ignore */ path.join(ROOT, 'scripts/local-db.mjs'))
  standin = await server.startStripeStandin({ port: await freePort(), webhookUrl: 'http://127.0.0.1:9/unused', log: () => {} })
  key = server.LOCAL_STRIPE_SECRET_KEY
})
afterAll(async () => { await standin?.close() })

/** A fresh context on the shared stand-in, for an app at `appUrl` (each test its own URL: own endpoints). */
const context = (appUrl: string, target: StripeSetupContext['target'] = 'staging') =>
  createSetupContext(ROOT, target, { STRIPE_SECRET_KEY: key, STRIPE_API_BASE: standin.baseUrl }, appUrl, '')

const api = async (method: string, apiPath: string, body?: string) => {
  const res = await fetch(`${standin.baseUrl}${apiPath}`, { method, body, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' } })
  return (await res.json()) as { id: string; secret?: string }
}
const form = (url: string, events: string[], extra = '') => `url=${encodeURIComponent(url)}&${events.map((e) => `enabled_events[]=${encodeURIComponent(e)}`).join('&')}${extra}`

describe('webhookUrlOf and the setup context', () => {
  it('joins /billing/webhook to the app URL, and refuses an APP_URL that is not one (exit 3)', async () => {
    expect(webhookUrlOf('https://shop.acme.test/some/page')).toBe(WEBHOOK_URL)
    expect(webhookUrlOf('not a url')).toBe('not a url/billing/webhook')
    await expect(createSetupContext(ROOT, 'staging', {}, '', '')).rejects.toMatchObject({ message: 'APP_URL (not set) is not a URL, so there is no webhook address.', exitCode: EXIT.config })
  })
})

describe.runIf(billingInstalled)('the webhook endpoint', () => {
  it('is created with the pinned version and exactly the handled events, then left unchanged', async () => {
    const ctx = await context('https://created.acme.test')
    const url = webhookUrlOf(ctx.appUrl)
    const first = await ensureWebhookEndpoint(ctx)
    expect(first.secret).toMatch(/^whsec_/)
    expect(first.lines).toEqual([expect.stringMatching(new RegExp(`^webhook endpoint ${url}: created \\(we_\\w+, API version ${ctx.apiVersion}, ${ctx.billing.handledEvents.size} events\\)$`))])
    const second = await ensureWebhookEndpoint(ctx)
    expect(second.secret).toBeUndefined()
    expect(second.lines).toEqual([expect.stringMatching(new RegExp(`^webhook endpoint ${url}: unchanged \\(we_\\w+, API version ${ctx.apiVersion}, ${ctx.billing.handledEvents.size} events\\)$`))])
  })

  it('a drifted or disabled endpoint gets exactly the handled events back, enabled', async () => {
    const ctx = await context('https://drifted.acme.test')
    const url = webhookUrlOf(ctx.appUrl)
    const [dropped, ...kept] = [...ctx.billing.handledEvents].sort()
    const made = await api('POST', '/v1/webhook_endpoints', form(url, [...kept, 'charge.refunded'], `&api_version=${ctx.apiVersion}`))
    await api('POST', `/v1/webhook_endpoints/${made.id}`, 'disabled=true')
    const result = await ensureWebhookEndpoint(ctx)
    expect(result.lines).toEqual([`webhook endpoint ${url}: updated (${made.id}: added ${dropped}; removed charge.refunded; enabled again)`])
    expect((await ensureWebhookEndpoint(ctx)).lines[0]).toContain(': unchanged (')
  })

  it('an endpoint in another API version is refused with the fix; --replace-endpoint makes one beside it and says to delete the old', async () => {
    const ctx = await context('https://versioned.acme.test', 'production')
    const url = webhookUrlOf(ctx.appUrl)
    const old = await api('POST', '/v1/webhook_endpoints', form(url, [...ctx.billing.handledEvents], '&api_version=2020-08-27'))
    const refused = await ensureWebhookEndpoint(ctx).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(CliError)
    expect((refused as CliError).message).toBe(`The webhook endpoint ${old.id} at ${url} renders events in 2020-08-27, but the app's Stripe SDK uses ${ctx.apiVersion}; Stripe cannot change an endpoint's API version, and events in another version change shape under the app.`)
    expect((refused as CliError).fix).toContain('npx quickscale stripe setup --env production --replace-endpoint')

    const replaced = await ensureWebhookEndpoint(ctx, { replace: true })
    expect(replaced.secret).toMatch(/^whsec_/)
    expect(replaced.lines[0]).toMatch(/: created \(we_\w+, /)
    expect(replaced.lines[1]).toBe(`! delete ${old.id} (2020-08-27) once STRIPE_WEBHOOK_SECRET holds the new secret (Dashboard → Developers → Webhooks).`)
    // From then on the pinned one is used, and the old one is still pointed out until it is deleted.
    const after = await ensureWebhookEndpoint(ctx)
    expect(after.lines[0]).toContain(': unchanged (')
    expect(after.lines[1]).toMatch(new RegExp(`^! webhook endpoint ${old.id} \\(2020-08-27\\) also sends to ${url}: delete it once STRIPE_WEBHOOK_SECRET holds the secret of we_\\w+`))
  })

  it('an endpoint without a pinned version is named as on the account default', async () => {
    const ctx = await context('https://unpinned.acme.test')
    await api('POST', '/v1/webhook_endpoints', form(webhookUrlOf(ctx.appUrl), [...ctx.billing.handledEvents]))
    await expect(ensureWebhookEndpoint(ctx)).rejects.toThrow("renders events in the account's default version (not pinned)")
  })
})

describe.runIf(billingInstalled)('the customer portal', () => {
  it('is created once, then used as it is', async () => {
    const ctx = await context('https://portal.acme.test')
    const first = await ensurePortalConfiguration(ctx)
    const second = await ensurePortalConfiguration(ctx)
    const id = /^customer portal: created \((bpc_\w+): invoices, payment methods, billing details, cancel at period end\)$/.exec(first)?.[1]
    expect(id, first).toBeDefined()
    expect(second).toBe(`customer portal: unchanged (the kit's configuration ${id})`)
  })
})

describe('what setup prints and how it fails', () => {
  it('tells where to put a signing secret, for development and for a deployed Worker', () => {
    expect(formatSecretLines('whsec_abc', 'development')).toEqual(['  signing secret (shown only now): whsec_abc', '  put it in .dev.vars: STRIPE_WEBHOOK_SECRET=whsec_abc'])
    const deployed = formatSecretLines('whsec_abc', 'staging')
    expect(deployed[0]).toBe('  signing secret (shown only now): whsec_abc')
    expect(deployed).toContain("  or in CI: printf %s 'whsec_abc' | npx wrangler secret put STRIPE_WEBHOOK_SECRET")
  })

  it('a Stripe or network failure is exit 5 with the rerun command; our own errors pass through', () => {
    const own = new CliError('x', 'y', EXIT.config)
    expect(asStripeFailure(own, 'Stripe setup', 'npx quickscale stripe setup --env staging')).toBe(own)
    const wrapped = asStripeFailure(new Error('Invalid API Key provided: sk_test_****'), 'Stripe setup', 'npx quickscale stripe setup --env staging') as CliError
    expect(wrapped.exitCode).toBe(EXIT.service)
    expect(wrapped.message).toBe('Stripe setup failed: Invalid API Key provided: sk_test_****.')
    expect(wrapped.fix).toContain('run `npx quickscale stripe setup --env staging` again')
    expect((asStripeFailure('socket hang up', 'Stripe setup', 'x') as CliError).message).toBe('Stripe setup failed: socket hang up.')
  })
})
