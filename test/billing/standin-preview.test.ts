import { describe, expect, it } from 'vitest'
import Stripe from 'stripe'
// @ts-expect-error plain .mjs modules shared with `npm run dev`
import * as fixtures from '../../scripts/stripe-standin/fixtures.mjs'
// @ts-expect-error plain .mjs modules shared with `npm run dev`
import { createStripeStandin } from '../../scripts/stripe-standin/standin.mjs'

// The stand-in's POST /v1/invoices/create_preview against Stripe's recorded invoice shape (fixtures.mjs, from
// Stripe's OpenAPI fixtures) and Stripe's proration rules, read by the real SDK, on a clock of its own: a
// Pro subscription starts 1 December 2026 and is changed on 11 December, 21 of December's 31 days before
// its renewal.

const DAY = 86_400
const START = Date.UTC(2026, 11, 1) / 1000
const CHANGE_AT = START + 10 * DAY

async function standinWithSubscription() {
  let clock = START * 1000
  const standin = createStripeStandin({ baseUrl: 'https://api.stripe.com', webhookSecret: 'whsec_preview', now: () => clock })
  const stripe = new Stripe('sk_test_preview', { httpClient: Stripe.createFetchHttpClient((input, init) => standin.handle(new Request(input as RequestInfo, init))), maxNetworkRetries: 0 })
  const price = async (product: string, name: string, amount: number, interval: 'month' | 'year') => {
    if (!standin.state.products.has(product)) await stripe.products.create({ id: product, name })
    return (await stripe.prices.create({ product, currency: 'usd', unit_amount: amount, recurring: { interval }, lookup_key: `${product}_${interval}` })).id
  }
  const pro = await price('prod_pro', 'Pro', 1900, 'month')
  const business = await price('prod_business', 'Business', 9900, 'month')
  const businessYearly = await price('prod_business', 'Business', 99000, 'year')
  const customer = await stripe.customers.create({})
  const session = await stripe.checkout.sessions.create({ mode: 'subscription', customer: customer.id, line_items: [{ price: pro, quantity: 1 }], success_url: 'http://localhost/ok' })
  await standin.completeCheckout(session.id)
  const sub = await stripe.subscriptions.retrieve((await stripe.checkout.sessions.retrieve(session.id)).subscription as string)
  clock = CHANGE_AT * 1000
  return { standin, stripe, sub, item: sub.items.data[0]!.id, prices: { pro, business, businessYearly } }
}

const keysOf = (o: object) => Object.keys(o).sort()
const prorations = (invoice: Stripe.Invoice) => invoice.lines.data.filter((l) => l.parent?.subscription_item_details?.proration === true)

describe('stand-in: create_preview', () => {
  it('previews an upgrade as the next invoice: Stripe’s invoice shape, its proration lines, the renewal', async () => {
    const { stripe, sub, item, prices } = await standinWithSubscription()
    const preview = await stripe.invoices.createPreview({
      subscription: sub.id, subscription_details: { items: [{ id: item, price: prices.business }], proration_behavior: 'create_prorations', proration_date: CHANGE_AT },
    })
    expect(keysOf(preview)).toEqual(keysOf(fixtures.invoice))
    for (const line of preview.lines.data) expect(keysOf(line)).toEqual(keysOf(fixtures.invoice.lines.data[0]))
    expect(preview).toMatchObject({ object: 'invoice', status: 'draft', number: null, hosted_invoice_url: null, currency: 'usd', billing_reason: 'upcoming' })
    expect(preview.id).toMatch(/^upcoming_in_/)
    const periodEnd = sub.items.data[0]!.current_period_end
    expect(preview.period_end).toBe(periodEnd)
    expect(preview.next_payment_attempt).toBe(periodEnd + 3600)
    expect(preview.parent?.subscription_details?.subscription_proration_date).toBe(CHANGE_AT)
    // 21 of 31 days left: the unused Pro time credited, the Business time charged, then a month of Business.
    expect(prorations(preview).map((l) => [l.description, l.amount])).toEqual([
      ['Unused time on Pro after 11 Dec 2026', -1287],
      ['Remaining time on Business after 11 Dec 2026', 6706],
    ])
    expect(preview.amount_due).toBe(-1287 + 6706 + 9900)
  })

  it('an update with the same proration date bills exactly the preview on the next invoice', async () => {
    const { standin, stripe, sub, item, prices } = await standinWithSubscription()
    const params = { items: [{ id: item, price: prices.business }], proration_behavior: 'create_prorations' as const, proration_date: CHANGE_AT }
    const preview = await stripe.invoices.createPreview({ subscription: sub.id, subscription_details: params })
    await stripe.subscriptions.update(sub.id, params)
    await standin.renew(sub.id, 'pay')
    const invoice = await stripe.invoices.retrieve((await stripe.subscriptions.retrieve(sub.id)).latest_invoice as string)
    expect(invoice.amount_paid).toBe(preview.amount_due)
    expect(invoice.lines.data.map((l) => l.amount)).toEqual(preview.lines.data.map((l) => l.amount))
  })

  it('an interval change restarts the period: the preview is the invoice made at once, the update pays it', async () => {
    const { stripe, sub, item, prices } = await standinWithSubscription()
    const params = { items: [{ id: item, price: prices.businessYearly }], proration_date: CHANGE_AT }
    const preview = await stripe.invoices.createPreview({ subscription: sub.id, subscription_details: params })
    expect(preview).toMatchObject({ billing_reason: 'subscription_update', period_end: CHANGE_AT, amount_due: 99000 - 1287 })
    expect(preview.lines.data.find((l) => !l.parent?.subscription_item_details?.proration)?.period.end).toBe(Date.UTC(2027, 11, 11) / 1000)
    const updated = await stripe.subscriptions.update(sub.id, params)
    const invoice = await stripe.invoices.retrieve(updated.latest_invoice as string)
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: preview.amount_due })
  })

  it('a cancellation at period end with nothing pending has no invoice to preview (invoice_upcoming_none)', async () => {
    const { stripe, sub } = await standinWithSubscription()
    const error = await stripe.invoices.createPreview({ subscription: sub.id, subscription_details: { cancel_at_period_end: true } }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect(error).toMatchObject({ statusCode: 400, code: 'invoice_upcoming_none' })
  })

  it('refuses bad input with Stripe’s error shapes, naming the parameter', async () => {
    const { stripe, sub, item } = await standinWithSubscription()
    const refused = (params: Stripe.InvoiceCreatePreviewParams) => stripe.invoices.createPreview(params).catch((e: unknown) => e as Stripe.errors.StripeError)
    expect(await refused({ subscription: 'sub_missing' })).toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing', param: 'subscription' })
    expect(await refused({ subscription: sub.id, subscription_details: { items: [{ id: item, price: 'price_missing' }] } }))
      .toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'subscription_details[items][0][price]' })
    expect(await refused({ subscription: sub.id, subscription_details: { proration_date: START - DAY } }))
      .toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400, param: 'subscription_details[proration_date]' })
    expect(await refused({ subscription: sub.id, subscription_details: { proration_behavior: 'sometimes' as 'none' } }))
      .toMatchObject({ statusCode: 400, param: 'subscription_details[proration_behavior]' })
    expect(await refused({})).toMatchObject({ statusCode: 400, param: 'customer' })
    await stripe.subscriptions.cancel(sub.id)
    expect(await refused({ subscription: sub.id })).toMatchObject({ statusCode: 400, message: expect.stringContaining('canceled') })
  })
})
