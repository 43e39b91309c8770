import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Stripe from 'stripe'
// @ts-expect-error plain .mjs modules shared with `npm run dev`
import * as fixtures from '../../scripts/stripe-standin/fixtures.mjs'
// @ts-expect-error plain .mjs modules shared with `npm run dev`
import { createStripeStandin } from '../../scripts/stripe-standin/standin.mjs'
import { appStripeClient, fakeStripe, syncPlans, WEBHOOK_SECRET, type FakeStripe } from './stripe'

// The local stand-in must be indistinguishable from Stripe for what the app uses: the real SDK parses every
// answer, objects carry the keys of Stripe's own fixtures, and its webhook signatures verify.
let fake: FakeStripe
let stripe: Stripe
beforeAll(async () => {
  fake = fakeStripe()
  await syncPlans()
  stripe = await appStripeClient()
})
afterAll(() => fake.restore())

const keysOf = (o: object) => Object.keys(o).sort()

describe('local Stripe stand-in, read by the real SDK', () => {
  it('answers the calls the app makes with fixture-shaped objects', async () => {
    const customer = await stripe.customers.create({ email: 'a@example.com', name: 'A', metadata: { user_id: 'u1' } })
    expect(keysOf(customer)).toEqual(keysOf(fixtures.customer))
    expect(customer.metadata).toEqual({ user_id: 'u1' })
    expect(keysOf(await stripe.customers.retrieve(customer.id))).toEqual(keysOf(fixtures.customer))

    const prices = await stripe.prices.list({ lookup_keys: ['quickscale_pro_month'] })
    expect(prices.data).toHaveLength(1)
    expect(keysOf(prices.data[0]!)).toEqual(keysOf(fixtures.price))
    expect(prices.data[0]).toMatchObject({ unit_amount: 1900, recurring: { interval: 'month' } })
    expect(keysOf(await stripe.products.retrieve('prod_quickscale_pro'))).toEqual(keysOf(fixtures.product))

    const session = await stripe.checkout.sessions.create({
      mode: 'subscription', customer: customer.id, line_items: [{ price: prices.data[0]!.id, quantity: 1 }],
      success_url: 'http://localhost/billing/success?session_id={CHECKOUT_SESSION_ID}', cancel_url: 'http://localhost/billing/cancel',
      metadata: { user_id: 'u1' }, allow_promotion_codes: true,
    })
    expect(keysOf(session)).toEqual(keysOf(fixtures.checkoutSession))
    expect(session).toMatchObject({ object: 'checkout.session', status: 'open', mode: 'subscription', url: expect.stringContaining('/checkout/cs_test_') })

    const from = fake.standin.events.length
    await fake.standin.completeCheckout(session.id)
    const paid = await stripe.checkout.sessions.retrieve(session.id)
    expect(paid).toMatchObject({ status: 'complete', payment_status: 'paid' })
    const sub = await stripe.subscriptions.retrieve(paid.subscription as string)
    expect(keysOf(sub)).toEqual(keysOf(fixtures.subscription))
    expect(keysOf(sub.items.data[0]!)).toEqual(keysOf(fixtures.subscription.items.data[0]))
    expect(sub.items.data[0]!.current_period_end).toBeGreaterThan(sub.items.data[0]!.current_period_start)
    const invoice = await stripe.invoices.retrieve(sub.latest_invoice as string)
    expect(keysOf(invoice)).toEqual(keysOf(fixtures.invoice))
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 1900, parent: { subscription_details: { subscription: sub.id } } })
    expect(fake.eventsSince(from).map((e) => e.type)).toEqual([
      'customer.subscription.created', 'invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded', 'customer.subscription.updated', 'checkout.session.completed',
    ])
    for (const event of fake.eventsSince(from)) expect(keysOf(event)).toEqual(keysOf(fixtures.event))

    const updated = await stripe.subscriptions.update(sub.id, { cancel_at_period_end: true })
    expect(updated.cancel_at_period_end).toBe(true)
    const configuration = await stripe.billingPortal.configurations.create({ features: { invoice_history: { enabled: true } } })
    const portal = await stripe.billingPortal.sessions.create({ customer: customer.id, return_url: 'http://localhost/billing', configuration: configuration.id })
    expect(keysOf(portal)).toEqual(keysOf(fixtures.portalSession))
    const canceled = await stripe.subscriptions.cancel(sub.id)
    expect(canceled.status).toBe('canceled')
  })

  it('answers unknown ids and a bad key the way Stripe does (typed SDK errors)', async () => {
    await expect(stripe.subscriptions.retrieve('sub_missing')).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'resource_missing', statusCode: 404 })
    const anonymous = new Stripe('not-a-key', { httpClient: Stripe.createFetchHttpClient(), maxNetworkRetries: 0 })
    await expect(anonymous.customers.create({})).rejects.toMatchObject({ type: 'StripeAuthenticationError', statusCode: 401 })
  })

  it('signs webhooks like Stripe: constructEventAsync accepts them, and refuses them under another secret', async () => {
    const delivered: Array<{ payload: string; signature: string }> = []
    const standin = createStripeStandin({ baseUrl: 'http://standin.test', webhookSecret: WEBHOOK_SECRET, deliver: async (_e: unknown, payload: string, signature: string) => { delivered.push({ payload, signature }) } })
    const res = await standin.handle(new Request('http://standin.test/v1/customers', { method: 'POST', headers: { authorization: 'Bearer sk_test_x' }, body: 'email=b%40example.com' }))
    const customer = await res.json() as { id: string }
    const product = await standin.handle(new Request('http://standin.test/v1/products', { method: 'POST', headers: { authorization: 'Bearer sk_test_x' }, body: 'id=prod_x&name=X' }))
    expect(product.status).toBe(200)
    const price = await (await standin.handle(new Request('http://standin.test/v1/prices', { method: 'POST', headers: { authorization: 'Bearer sk_test_x' }, body: 'product=prod_x&unit_amount=500&currency=usd&recurring[interval]=month&lookup_key=x_month' }))).json() as { id: string }
    const session = await (await standin.handle(new Request('http://standin.test/v1/checkout/sessions', { method: 'POST', headers: { authorization: 'Bearer sk_test_x' },
      body: `mode=subscription&customer=${customer.id}&line_items[0][price]=${price.id}&line_items[0][quantity]=1&success_url=http%3A%2F%2Fapp.test%2Fok` }))).json() as { id: string }
    const pay = await standin.handle(new Request(`http://standin.test/checkout/${session.id}`, { method: 'POST', body: new URLSearchParams({ outcome: 'success' }) }))
    expect(pay.status).toBe(303)
    expect(pay.headers.get('location')).toBe('http://app.test/ok')
    // Like Stripe, the checkout answers before its webhooks are delivered (all at once, any order).
    await standin.idle()
    expect(delivered.length).toBe(7)
    const provider = Stripe.createSubtleCryptoProvider()
    for (const { payload, signature } of delivered) {
      const event = await stripe.webhooks.constructEventAsync(payload, signature, WEBHOOK_SECRET, undefined, provider)
      expect(event.id).toMatch(/^evt_/)
      await expect(stripe.webhooks.constructEventAsync(payload, signature, 'whsec_other', undefined, provider)).rejects.toThrow()
    }
  })

  it('its checkout page offers decline and 3-D Secure outcomes that do not pay', async () => {
    const standin = createStripeStandin({ baseUrl: 'http://standin.test', webhookSecret: WEBHOOK_SECRET })
    const auth = { authorization: 'Bearer sk_test_x' }
    const customer = await (await standin.handle(new Request('http://standin.test/v1/customers', { method: 'POST', headers: auth, body: '' }))).json() as { id: string }
    await standin.handle(new Request('http://standin.test/v1/products', { method: 'POST', headers: auth, body: 'id=prod_y&name=Y' }))
    const price = await (await standin.handle(new Request('http://standin.test/v1/prices', { method: 'POST', headers: auth, body: 'product=prod_y&unit_amount=500&currency=usd&recurring[interval]=month' }))).json() as { id: string }
    const session = await (await standin.handle(new Request('http://standin.test/v1/checkout/sessions', { method: 'POST', headers: auth,
      body: `mode=subscription&customer=${customer.id}&line_items[0][price]=${price.id}&success_url=http%3A%2F%2Fapp.test%2Fok` }))).json() as { id: string }
    const post = (outcome: string) => standin.handle(new Request(`http://standin.test/checkout/${session.id}`, { method: 'POST', body: new URLSearchParams({ outcome }) }))
    expect(await (await post('decline')).text()).toContain('Your card was declined')
    expect(await (await post('3ds')).text()).toContain('Complete authentication')
    expect(await (await post('3ds-fail')).text()).toContain('unable to authenticate')
    expect(standin.events).toHaveLength(0)
    expect((await post('3ds-complete')).status).toBe(303)
    expect(standin.events.map((e: { type: string }) => e.type)).toContain('checkout.session.completed')
  })
})
