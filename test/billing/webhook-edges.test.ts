import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { deliver, useFakeStripe } from './stripe'

// Signed Stripe events that must change nothing (src/billing/webhook.ts): a checkout that is no
// subscription, an invoice without an id, a subscription Stripe no longer has, a customer we do not know.
// webhook.test.ts covers the events that do change an account.

useFakeStripe()

const event = (type: string, object: Record<string, unknown>) =>
  ({ id: `evt_${crypto.randomUUID().replace(/-/g, '')}`, object: 'event', type, created: 1_780_000_000, data: { object } }) as unknown as Stripe.Event

describe('Stripe events that change nothing', () => {
  it('a one-off payment checkout, or one without its subscription or customer, is ignored', async () => {
    expect(await deliver(event('checkout.session.completed', { id: 'cs_1', mode: 'payment', customer: 'cus_1', subscription: null }))).toEqual({ status: 200, outcome: 'ignored' })
    expect(await deliver(event('checkout.session.completed', { id: 'cs_2', mode: 'subscription', customer: null, subscription: 'sub_1' }))).toEqual({ status: 200, outcome: 'ignored' })
  })

  it('an invoice event without an invoice id is ignored; one for a customer we do not know is answered as such', async () => {
    expect(await deliver(event('invoice.paid', { customer: 'cus_nobody', amount_paid: 100 }))).toEqual({ status: 200, outcome: 'ignored' })
    const unknown = event('invoice.voided', { id: 'in_nobody', customer: 'cus_nobody', status: 'void', currency: 'usd', amount_due: 0, amount_paid: 0, created: 1_780_000_000 })
    expect(await deliver(unknown)).toEqual({ status: 200, outcome: 'unknown_customer' })
    // Not recorded as processed: the same event again is still an unknown customer, not a duplicate.
    expect(await deliver(unknown)).toEqual({ status: 200, outcome: 'unknown_customer' })
  })

  it('a subscription Stripe no longer has is read from the event itself; its unknown customer changes nothing', async () => {
    const gone = event('customer.subscription.updated', { id: 'sub_gone_from_stripe', customer: 'cus_nobody', status: 'canceled', items: { data: [] } })
    expect(await deliver(gone)).toEqual({ status: 200, outcome: 'unknown_customer' })
  })
})
