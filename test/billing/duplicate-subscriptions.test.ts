import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import { and, eq } from 'drizzle-orm'
import type Stripe from 'stripe'
import { withDb } from '../helpers/db'
import { auditRowsAbout } from '../admin/helpers'
import { createTestUser, get, loginCookie, post } from '../auth/helpers'
import { getAccountPlan, getPlan } from '../../src/billing'
import { billingCustomers, subscriptions } from '../../src/billing/schema'
import { emailDeliveries } from '../../src/email/schema'
import { appStripeClient, deliver, useFakeStripe } from './stripe'

// Issue 19, finding 4: two checkouts opened before paying either, both paid → two live subscriptions, one
// of them invisible and billing. Now: a new checkout expires the earlier open one; a second live
// subscription that still arrives is canceled at once, the user and the operator are told; /billing never
// hides a live subscription.

const fake = useFakeStripe()

const sessionIdOf = (res: Response) => res.headers.get('location')!.split('/').pop()!
const mailsTo = async (to: string) => (await withDb((db) => db.select().from(emailDeliveries).where(eq(emailDeliveries.recipient, to))))

async function payAndDeliver(sessionId: string): Promise<Stripe.Event[]> {
  const from = fake.standin.events.length
  await fake.standin.completeCheckout(sessionId)
  const events = fake.eventsSince(from)
  await Promise.all(events.map((e) => deliver(e)))
  return events
}

describe('two checkouts, one account', () => {
  it('starting a second checkout expires the first: it can no longer be paid', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const first = sessionIdOf(await post('/billing/checkout', { plan: 'pro', interval: 'month' }, cookie))
    const second = sessionIdOf(await post('/billing/checkout', { plan: 'business', interval: 'month' }, cookie))
    expect(fake.standin.state.sessions.get(first).status).toBe('expired')
    expect(fake.standin.state.sessions.get(second).status).toBe('open')
    const pay = await fake.standin.handle(new Request(`https://api.stripe.com/checkout/${first}`, { method: 'POST', body: new URLSearchParams({ outcome: 'success' }) }))
    expect(await pay.text()).toContain('This checkout has expired')
    expect([...fake.standin.state.subscriptions.values()].filter((s) => s.customer === fake.standin.state.sessions.get(first).customer)).toHaveLength(0)
  })

  it('a second live subscription that still arrives is canceled at once; the user and the operator are told once', async () => {
    const user = await createTestUser({ name: 'Dora Double' })
    const cookie = await loginCookie(user.email)
    await payAndDeliver(sessionIdOf(await post('/billing/checkout', { plan: 'pro', interval: 'month' }, cookie)))
    // The race the expiry cannot close: a session paid in the moment before it expired, made here directly.
    const [{ stripeCustomerId }] = await withDb((db) => db.select().from(billingCustomers).where(eq(billingCustomers.userId, user.id)))
    const business = (await withDb((db) => getPlan(db, 'business')))!
    const stripe = await appStripeClient()
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', customer: stripeCustomerId, line_items: [{ price: business.stripeMonthlyPriceId!, quantity: 1 }], success_url: 'http://localhost/billing/success' })
    const events = await payAndDeliver(session.id)
    const duplicateId = (events.find((e) => e.type === 'customer.subscription.created')!.data.object as Stripe.Subscription).id

    expect(fake.standin.state.subscriptions.get(duplicateId).status).toBe('canceled')
    const [row] = await withDb((db) => db.select().from(subscriptions).where(and(eq(subscriptions.userId, user.id), eq(subscriptions.id, duplicateId))))
    expect(row!.status).toBe('canceled')
    expect(await withDb((db) => getAccountPlan(db, user.id, new Date()))).toMatchObject({ planId: 'pro', status: 'active' })
    const toUser = (await mailsTo(user.email)).filter((m) => m.template === 'duplicate-subscription')
    expect(toUser).toHaveLength(1)
    const toAdmin = (await mailsTo(env.ADMIN_EMAIL)).filter((m) => m.template === 'duplicate-subscription' && JSON.stringify(m).includes(user.email))
    expect(toAdmin).toHaveLength(1)
    expect((await auditRowsAbout(user.id)).map((r) => r.action)).toContain('billing.duplicate_canceled')
    // A replay of the duplicate's events changes nothing and mails nobody again.
    for (const event of events) expect(['duplicate', 'ignored']).toContain((await deliver(event)).outcome)
    expect((await mailsTo(user.email)).filter((m) => m.template === 'duplicate-subscription')).toHaveLength(1)
  })

  it('/billing lists every live subscription, never only one', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    await payAndDeliver(sessionIdOf(await post('/billing/checkout', { plan: 'pro', interval: 'month' }, cookie)))
    const [live] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.userId, user.id)))
    // A second one as the database could hold it if Stripe's cancellation had not gone through yet.
    // It renews a day before the first, so the first stays the page's main subscription (the tie of two equal
    // renewal dates would let either be the main one).
    const renews = new Date(live!.currentPeriodEnd.getTime() - 86_400_000)
    await withDb((db) => db.insert(subscriptions).values({ ...live!, id: `sub_second_${crypto.randomUUID().slice(0, 8)}`, planId: 'business', interval: 'year', currentPeriodEnd: renews, createdAt: new Date(), updatedAt: new Date() }))
    const page = await (await get('/billing', cookie)).text()
    expect(page).toContain('another live subscription')
    expect(page).toMatch(/business \(yearly\)/)
  })
})
