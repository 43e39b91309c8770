import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import Stripe from 'stripe'
// @ts-expect-error plain .mjs module shared with `npm run dev`
import { createStripeStandin } from '../../scripts/stripe-standin/standin.mjs'
import { withDb } from '../helpers/db'
import { createTestUser, loginCookie, post } from '../auth/helpers'
import { listPricesByLookupKeys } from '../../src/billing'
import { billingCustomers } from '../../src/billing/schema'
import { appStripeClient, fakeStripe, syncPlans, WEBHOOK_SECRET, type FakeStripe } from './stripe'

// Issue 18: Stripe's rules the stand-in enforces, and the app under them.

/** An SDK client talking straight to a stand-in with its own clock (no app in between). */
function standinWithClock() {
  let clock = Date.UTC(2030, 0, 1)
  const standin = createStripeStandin({ baseUrl: 'http://standin.test', webhookSecret: WEBHOOK_SECRET, now: () => clock })
  const stripe = new Stripe('sk_test_rules', {
    httpClient: Stripe.createFetchHttpClient((input: RequestInfo | URL, init?: RequestInit) => standin.handle(new Request(input, init))),
    maxNetworkRetries: 0,
  })
  return { standin, stripe, advance: (ms: number) => { clock += ms } }
}

describe('the stand-in enforces Stripe\'s rules', () => {
  it('idempotency keys: a replay returns the first answer, other parameters → 400, a key in use → 409, pruned after 24 h', async () => {
    const { standin, stripe, advance } = standinWithClock()
    const first = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k1' })
    expect((await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k1' })).id).toBe(first.id)
    await expect(stripe.customers.create({ email: 'b@example.com' }, { idempotencyKey: 'k1' }))
      .rejects.toMatchObject({ type: 'StripeIdempotencyError', statusCode: 400 })
    const [a, b] = await Promise.allSettled([
      stripe.subscriptions.update('sub_missing', { cancel_at_period_end: true }, { idempotencyKey: 'k2' }),
      stripe.subscriptions.update('sub_missing', { cancel_at_period_end: true }, { idempotencyKey: 'k2' }),
    ])
    expect([a.status, b.status]).toEqual(['rejected', 'rejected'])
    expect([(a as PromiseRejectedResult).reason.statusCode, (b as PromiseRejectedResult).reason.statusCode].sort()).toEqual([404, 409])
    advance(24 * 3600 * 1000)
    const later = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k1' })
    expect(later.id).not.toBe(first.id)
    expect(standin.state.customers.size).toBe(2)
  })

  it('prices.list takes at most ten lookup_keys', async () => {
    const { stripe } = standinWithClock()
    const keys = Array.from({ length: 11 }, (_, i) => `k${i}`)
    await expect(stripe.prices.list({ lookup_keys: keys })).rejects.toMatchObject({ statusCode: 400, param: 'lookup_keys' })
    expect((await stripe.prices.list({ lookup_keys: keys.slice(0, 10) })).data).toEqual([])
  })

  it('the customer portal needs a configuration, test mode too; one made through the API is never the default', async () => {
    const { stripe } = standinWithClock()
    const customer = await stripe.customers.create({})
    await expect(stripe.billingPortal.sessions.create({ customer: customer.id })).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/default configuration has not been created/) })
    const made = await stripe.billingPortal.configurations.create({ features: { invoice_history: { enabled: true } } })
    expect(made.is_default).toBe(false)
    await expect(stripe.billingPortal.sessions.create({ customer: customer.id })).rejects.toMatchObject({ statusCode: 400 })
    expect((await stripe.billingPortal.sessions.create({ customer: customer.id, configuration: made.id })).url).toMatch(/\/portal\/bps_/)
  })

  it('a month ↔ year switch invoices at once', async () => {
    const { standin, stripe } = standinWithClock()
    await stripe.products.create({ id: 'prod_s', name: 'S' })
    const month = await stripe.prices.create({ product: 'prod_s', unit_amount: 500, currency: 'usd', recurring: { interval: 'month' }, lookup_key: 's_month' })
    const year = await stripe.prices.create({ product: 'prod_s', unit_amount: 5000, currency: 'usd', recurring: { interval: 'year' }, lookup_key: 's_year' })
    const customer = await stripe.customers.create({})
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', customer: customer.id, line_items: [{ price: month.id, quantity: 1 }], success_url: 'http://app.test/ok' })
    await standin.completeCheckout(session.id)
    const sub = await stripe.subscriptions.retrieve((await stripe.checkout.sessions.retrieve(session.id)).subscription as string)
    const from = standin.events.length
    await stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0]!.id, price: year.id }] })
    expect(standin.events.slice(from).map((e: { type: string }) => e.type)).toEqual(['invoice.created', 'invoice.finalized', 'invoice.paid', 'customer.subscription.updated'])
  })
})

describe('the app under those rules', () => {
  let fake: FakeStripe
  beforeAll(async () => {
    fake = fakeStripe()
    await syncPlans()
  })
  afterAll(() => fake.restore())

  const customersOf = (userId: string) => [...fake.standin.state.customers.values()].filter((c) => c.metadata?.user_id === userId)
  const rowsOf = (userId: string) => withDb((db) => db.select().from(billingCustomers).where(eq(billingCustomers.userId, userId)))

  it('reads a catalogue of more than ten lookup keys in chunks', async () => {
    const stripe = await appStripeClient()
    await stripe.products.create({ id: 'prod_chunks', name: 'Chunks' })
    const keys = Array.from({ length: 23 }, (_, i) => `chunk_${i}`)
    for (const key of keys) await stripe.prices.create({ product: 'prod_chunks', unit_amount: 100, currency: 'usd', recurring: { interval: 'month' }, lookup_key: key })
    const prices = await listPricesByLookupKeys(stripe, keys)
    expect(prices.map((p) => p.lookup_key).sort()).toEqual([...keys].sort())
  })

  it('finds a customer an earlier attempt created but never recorded, instead of making a second', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const stripe = await appStripeClient()
    const orphan = await stripe.customers.create({ email: user.email, metadata: { user_id: user.id } })
    expect((await post('/billing/checkout', { plan: 'pro', interval: 'month' }, cookie)).status).toBe(303)
    expect(customersOf(user.id).map((c) => c.id)).toEqual([orphan.id])
    expect((await rowsOf(user.id)).map((r) => r.stripeCustomerId)).toEqual([orphan.id])
  })

  it('two checkouts at once make one customer', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const answers = await Promise.all([1, 2, 3].map(() => post('/billing/checkout', { plan: 'pro', interval: 'month' }, cookie)))
    for (const res of answers) expect(res.status).toBe(303)
    const rows = await rowsOf(user.id)
    expect(rows).toHaveLength(1)
    expect(customersOf(user.id).map((c) => c.id)).toEqual([rows[0]!.stripeCustomerId])
  })

  it('a Stripe account without a default portal configuration still opens the portal: the kit\'s own, made once and named', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    await post('/billing/checkout', { plan: 'pro', interval: 'month' }, cookie)
    const ours = () => [...fake.standin.state.portalConfigurations.values()].filter((c) => c.metadata?.quickscale === 'portal')
    for (let i = 0; i < 2; i++) {
      const res = await post('/billing/portal', {}, cookie)
      expect(res.status).toBe(303)
      const portal = fake.standin.state.portals.get(res.headers.get('location')!.split('/').pop()!)
      expect(ours().map((c) => c.id)).toEqual([portal.configuration])
    }
  })
})
