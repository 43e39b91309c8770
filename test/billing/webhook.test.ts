import { describe, expect, it } from 'vitest'
import { and, eq } from 'drizzle-orm'
import type Stripe from 'stripe'
import { exports } from 'cloudflare:workers'
import { withDb } from '../helpers/db'
import { createTestUser, get, loginCookie, post } from '../auth/helpers'
import { getAccountPlan } from '../../src/billing'
import { billingCustomers, invoices, stripeEvents, subscriptions } from '../../src/billing/schema'
import { emailDeliveries } from '../../src/email/schema'
import { appStripeClient, deliver, postWebhook, signedHeader, useFakeStripe } from './stripe'

const fake = useFakeStripe()

/** Sign-up → checkout → the stand-in "pays" → its events are delivered, signed by the real SDK. */
async function subscribe(plan = 'pro') {
  const user = await createTestUser()
  const cookie = await loginCookie(user.email)
  const res = await post('/billing/checkout', { plan, interval: 'month' }, cookie)
  expect(res.status).toBe(303)
  const location = res.headers.get('location')!
  expect(location).toMatch(/^https:\/\/api\.stripe\.com\/checkout\/cs_test_/)
  const sessionId = location.split('/').pop()!
  const from = fake.standin.events.length
  await fake.standin.completeCheckout(sessionId)
  const events = fake.eventsSince(from)
  return { user, cookie, sessionId, events, subscriptionId: (events.find((e) => e.type === 'customer.subscription.created')!.data.object as Stripe.Subscription).id }
}

const eventRows = (id: string) => withDb((db) => db.select().from(stripeEvents).where(eq(stripeEvents.id, id)))
const mailsTo = (email: string) => withDb((db) => db.select({ template: emailDeliveries.template }).from(emailDeliveries).where(eq(emailDeliveries.recipient, email)))

describe('POST /billing/webhook', () => {
  it('checkout → checkout.session.completed + customer.subscription.created → Pro with its quotas, invoice with its PDF', async () => {
    const { user, cookie, events } = await subscribe()
    // Stripe does not promise an order: completed first, then created, then the invoice.
    const ordered = ['checkout.session.completed', 'customer.subscription.created', 'invoice.paid'].map((t) => events.find((e) => e.type === t)!)
    for (const event of ordered) expect(await deliver(event)).toEqual({ status: 200, outcome: 'processed' })

    const plan = await withDb((db) => getAccountPlan(db, user.id, new Date()))
    expect(plan).toMatchObject({ planId: 'pro', status: 'active' })
    const page = await (await get('/billing', cookie)).text()
    expect(page).toContain('Pro')
    expect(page).toContain('10 GiB')
    expect(page).toContain('50,000')
    expect(page).toContain('LOCAL-')
    expect(page).toMatch(/href="https:\/\/api\.stripe\.com\/invoices\/in_\w+\/pdf"/)
    // The dashboard card (through the registry) shows the plan and its quotas too.
    const dashboard = await (await get('/dashboard', cookie)).text()
    expect(dashboard).toMatch(/Pro\s*<span class="tag is-success">Active<\/span>/)
    expect(dashboard).toContain('5,000</strong> uploads a month')
    const [invoice] = await withDb((db) => db.select().from(invoices).where(eq(invoices.userId, user.id)))
    expect(invoice).toMatchObject({ status: 'paid', amountPaid: 1900, currency: 'usd' })
    const templates = (await mailsTo(user.email)).map((m) => m.template).sort()
    expect(templates).toEqual(['payment-receipt', 'subscription-changed'])
  })

  it('processes the same event once: a replay answers 200 and changes nothing', async () => {
    const { user, events } = await subscribe()
    const created = events.find((e) => e.type === 'customer.subscription.created')!
    const paid = events.find((e) => e.type === 'invoice.paid')!
    expect((await deliver(created)).outcome).toBe('processed')
    expect((await deliver(paid)).outcome).toBe('processed')
    const mailsBefore = (await mailsTo(user.email)).length
    const [rowBefore] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.userId, user.id)))
    expect(await deliver(paid)).toEqual({ status: 200, outcome: 'duplicate' })
    expect(await deliver(created)).toEqual({ status: 200, outcome: 'duplicate' })
    expect(await eventRows(paid.id)).toHaveLength(1)
    expect((await mailsTo(user.email)).length).toBe(mailsBefore)
    const [rowAfter] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.userId, user.id)))
    expect(rowAfter.updatedAt).toEqual(rowBefore.updatedAt)
  })

  it('ends right when customer.subscription.updated arrives before .created', async () => {
    const { user, events, subscriptionId } = await subscribe()
    const created = events.find((e) => e.type === 'customer.subscription.created')!
    const from = fake.standin.events.length
    await (await appStripeClient()).subscriptions.update(subscriptionId, { cancel_at_period_end: true })
    const updated = fake.eventsSince(from).find((e) => e.type === 'customer.subscription.updated')!
    expect(await deliver(updated)).toMatchObject({ outcome: 'processed' })
    expect(await deliver(created)).toMatchObject({ outcome: 'processed' })
    const [row] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId)))
    // The older `created` event (cancel_at_period_end false in its payload) did not undo the newer state.
    expect(row).toMatchObject({ userId: user.id, planId: 'pro', status: 'active', cancelAtPeriodEnd: true })
    expect((created.data.object as Stripe.Subscription).cancel_at_period_end).toBe(false)
  })

  it('cancel in the app → cancel_at_period_end; resume undoes it; deleted → back to Free', async () => {
    const { user, cookie, events, subscriptionId } = await subscribe()
    for (const e of events) await deliver(e)
    const cancel = await post('/billing/subscription/cancel', {}, cookie)
    expect(cancel.status).toBe(303)
    expect(fake.standin.state.subscriptions.get(subscriptionId).cancel_at_period_end).toBe(true)
    let [row] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId)))
    expect(row.cancelAtPeriodEnd).toBe(true)
    expect(await (await get('/billing', cookie)).text()).toContain('Resume subscription')
    expect((await withDb((db) => getAccountPlan(db, user.id, new Date()))).planId).toBe('pro')

    expect((await post('/billing/subscription/resume', {}, cookie)).status).toBe(303)
    ;[row] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId)))
    expect(row.cancelAtPeriodEnd).toBe(false)

    const from = fake.standin.events.length
    await (await appStripeClient()).subscriptions.cancel(subscriptionId)
    const deleted = fake.eventsSince(from).find((e) => e.type === 'customer.subscription.deleted')!
    expect((await deliver(deleted)).outcome).toBe('processed')
    const plan = await withDb((db) => getAccountPlan(db, user.id, new Date()))
    expect(plan.planId).toBe('free')
    ;[row] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId)))
    expect(row.status).toBe('canceled')
  })

  it('invoice.payment_failed marks the payment failed; invoice.paid clears it', async () => {
    const { user, cookie, events, subscriptionId } = await subscribe()
    for (const e of events) await deliver(e)
    const from = fake.standin.events.length
    await fake.standin.renew(subscriptionId, 'fail')
    for (const e of fake.eventsSince(from)) expect((await deliver(e)).outcome).toBe('processed')
    let [row] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId)))
    expect(row).toMatchObject({ status: 'past_due', paymentFailed: true })
    expect(await (await get('/billing', cookie)).text()).toContain('The last payment failed')
    // The banner is on every signed-in page until the payment is fixed.
    expect(await (await get('/settings', cookie)).text()).toContain('Your last payment failed.')
    expect((await mailsTo(user.email)).map((m) => m.template)).toContain('payment-failed')
    const from2 = fake.standin.events.length
    await fake.standin.renew(subscriptionId, 'pay')
    for (const e of fake.eventsSince(from2)) await deliver(e)
    ;[row] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId)))
    expect(row).toMatchObject({ status: 'active', paymentFailed: false })
    expect(await (await get('/settings', cookie)).text()).not.toContain('Your last payment failed.')
  })

  describe('bad input', () => {
    async function createdEvent() {
      const { events, user } = await subscribe()
      return { event: events.find((e) => e.type === 'customer.subscription.created')!, user }
    }
    async function expectRejected(res: Response, eventId: string, userId: string) {
      expect(res.status).toBe(400)
      expect(await res.json()).toEqual({ error: 'invalid signature' })
      expect(await eventRows(eventId)).toHaveLength(0)
      expect(await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.userId, userId)))).toHaveLength(0)
    }

    it('refuses a forged signature (wrong secret) with 400 and writes nothing', async () => {
      const { event, user } = await createdEvent()
      const payload = JSON.stringify(event)
      await expectRejected(await postWebhook(payload, await signedHeader(payload, { secret: 'whsec_attacker' })), event.id, user.id)
    })

    it('refuses a body altered after signing', async () => {
      const { event, user } = await createdEvent()
      const payload = JSON.stringify(event)
      const header = await signedHeader(payload)
      await expectRejected(await postWebhook(payload.replace('"active"', '"trialing"'), header), event.id, user.id)
    })

    it('refuses a stale signature (older than the 5-minute tolerance) and a missing one', async () => {
      const { event, user } = await createdEvent()
      const payload = JSON.stringify(event)
      const stale = await signedHeader(payload, { timestamp: Math.floor(Date.now() / 1000) - 600 })
      await expectRejected(await postWebhook(payload, stale), event.id, user.id)
      await expectRejected(await postWebhook(payload, null), event.id, user.id)
      await expectRejected(await postWebhook(payload, 't=1,v1=deadbeef'), event.id, user.id)
    })

    it('refuses a body over 512 KiB with 413 before verifying it', async () => {
      const payload = JSON.stringify({ id: 'evt_big', filler: 'x'.repeat(600 * 1024) })
      const res = await postWebhook(payload, await signedHeader(payload))
      expect(res.status).toBe(413)
      expect(await eventRows('evt_big')).toHaveLength(0)
    })

    it('counts bytes, not characters: 300 Ki three-byte characters (900 KiB), streamed without a length, are refused', async () => {
      const payload = JSON.stringify({ id: 'evt_wide', filler: '€'.repeat(300 * 1024) })
      expect(payload.length).toBeLessThan(512 * 1024)
      const bytes = new TextEncoder().encode(payload)
      const body = new ReadableStream({ start(controller) { controller.enqueue(bytes); controller.close() } })
      const res = await exports.default.fetch(new Request('http://localhost/billing/webhook', {
        method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': await signedHeader(payload) }, body, duplex: 'half',
      } as RequestInit))
      expect(res.status).toBe(413)
      expect(await eventRows('evt_wide')).toHaveLength(0)
    })

    it('refuses a body without Content-Length as soon as it passes 512 KiB, without reading the rest', async () => {
      let pulled = 0
      const chunk = new Uint8Array(64 * 1024).fill(0x20)
      // 10 MiB if read to the end.
      const body = new ReadableStream({ pull(controller) { pulled++; if (pulled > 160) controller.close(); else controller.enqueue(chunk) } })
      const res = await exports.default.fetch(new Request('http://localhost/billing/webhook', {
        method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' }, body, duplex: 'half',
      } as RequestInit))
      expect(res.status).toBe(413)
      // 512 KiB is eight chunks; the runtime's pipe may read a couple ahead.
      expect(pulled).toBeLessThanOrEqual(16)
    })

    it('answers 200 to an unknown event type and records nothing', async () => {
      const { event } = await createdEvent()
      const other = { ...event, id: `evt_${crypto.randomUUID().slice(0, 12)}`, type: 'customer.tax_id.created' } as unknown as Stripe.Event
      expect(await deliver(other)).toEqual({ status: 200, outcome: 'ignored' })
      expect(await eventRows(other.id)).toHaveLength(0)
    })

    it('logs and answers 200 for a customer we do not know, writing nothing', async () => {
      const { event, user } = await createdEvent()
      await withDb((db) => db.delete(billingCustomers).where(eq(billingCustomers.userId, user.id)))
      const stranger = { ...event, id: `evt_${crypto.randomUUID().slice(0, 12)}` } as Stripe.Event
      expect(await deliver(stranger)).toEqual({ status: 200, outcome: 'unknown_customer' })
      expect(await eventRows(stranger.id)).toHaveLength(0)
      expect(await withDb((db) => db.select().from(subscriptions).where(and(eq(subscriptions.userId, user.id))))).toHaveLength(0)
    })
  })
})
