import { describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import type Stripe from 'stripe'
import { withDb } from '../helpers/db'
import { createTestUser, get, loginCookie, post } from '../auth/helpers'
import { invoices, subscriptions } from '../../src/billing/schema'
import { safeInvoiceLink } from '../../src/billing/views/billing'
import { deliver, useFakeStripe } from './stripe'

// Issue 19, finding 9 (hardening), billing's side.

const fake = useFakeStripe()

async function subscribed() {
  const user = await createTestUser()
  const cookie = await loginCookie(user.email)
  const sessionId = (await post('/billing/checkout', { plan: 'pro', interval: 'month' }, cookie)).headers.get('location')!.split('/').pop()!
  const from = fake.standin.events.length
  await fake.standin.completeCheckout(sessionId)
  const events = fake.eventsSince(from)
  for (const e of events) await deliver(e)
  const sub = events.find((e) => e.type === 'customer.subscription.created')!.data.object as Stripe.Subscription
  return { user, cookie, events, subscriptionId: sub.id }
}

describe('billing hardening', () => {
  it('a webhook event changes only the subscription of the customer it names', async () => {
    const a = await subscribed()
    const b = await subscribed()
    const [before] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.id, b.subscriptionId)))
    // A's checkout event, pointing at B's subscription.
    const completed = a.events.find((e) => e.type === 'checkout.session.completed')!
    const forged = structuredClone(completed) as Stripe.Event
    forged.id = `evt_forged_${crypto.randomUUID().slice(0, 8)}`
    ;(forged.data.object as Stripe.Checkout.Session).subscription = b.subscriptionId
    expect(await deliver(forged)).toEqual({ status: 200, outcome: 'ignored' })
    const [after] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.id, b.subscriptionId)))
    expect(after).toEqual(before)
    expect(after!.userId).toBe(b.user.id)
  })

  it('invoice links are shown only for https: (plain http only on loopback, for the local stand-in)', async () => {
    expect(safeInvoiceLink('https://invoice.stripe.com/i/x')).toBe('https://invoice.stripe.com/i/x')
    expect(safeInvoiceLink('http://127.0.0.1:12111/invoices/in_1')).toBe('http://127.0.0.1:12111/invoices/in_1')
    for (const bad of ['javascript:alert(1)', 'http://evil.example/in.pdf', 'data:text/html,<b>x</b>', '//evil.example/x', 'not a url', null]) {
      expect(safeInvoiceLink(bad)).toBeNull()
    }
    const { user, cookie } = await subscribed()
    await withDb((db) => db.update(invoices).set({ hostedInvoiceUrl: 'javascript:alert(1)', invoicePdf: 'http://evil.example/in.pdf' }).where(eq(invoices.userId, user.id)))
    const page = await (await get('/billing', cookie)).text()
    expect(page).not.toContain('javascript:alert(1)')
    expect(page).not.toContain('evil.example')
  })
})
