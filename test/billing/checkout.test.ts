import { describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { withDb } from '../helpers/db'
import { request } from '../helpers/http'
import { createTestUser, get, loginCookie, post, randomIp, PASSWORD } from '../auth/helpers'
import { billingCustomers, subscriptions } from '../../src/billing/schema'
import { users } from '../../src/auth/schema'
import { deliver, useFakeStripe } from './stripe'
import { waitForAccountDeleted } from '../helpers/account-deletion'

const fake = useFakeStripe()

async function signedIn(opts: { verified?: boolean } = {}) {
  const user = await createTestUser(opts)
  return { user, cookie: await loginCookie(user.email) }
}

const customerRow = (userId: string) => withDb((db) => db.select().from(billingCustomers).where(eq(billingCustomers.userId, userId)))

async function subscribeAndDeliver(cookie: string) {
  const res = await post('/billing/checkout', { plan: 'pro', interval: 'month' }, cookie)
  const sessionId = res.headers.get('location')!.split('/').pop()!
  const from = fake.standin.events.length
  await fake.standin.completeCheckout(sessionId)
  for (const e of fake.eventsSince(from)) await deliver(e)
  return sessionId
}

describe('POST /billing/checkout', () => {
  it('creates the customer once with the user id in metadata and a subscription-mode session with promotion codes', async () => {
    const { user, cookie } = await signedIn()
    const first = await post('/billing/checkout', { plan: 'business', interval: 'year' }, cookie)
    expect(first.status).toBe(303)
    const second = await post('/billing/checkout', { plan: 'pro', interval: 'month' }, cookie)
    expect(second.status).toBe(303)
    const [row] = await customerRow(user.id)
    const customer = fake.standin.state.customers.get(row.stripeCustomerId)
    expect(customer.metadata).toEqual({ user_id: user.id })
    const session = fake.standin.state.sessions.get(second.headers.get('location')!.split('/').pop()!)
    expect(session).toMatchObject({ mode: 'subscription', customer: row.stripeCustomerId, allow_promotion_codes: true, client_reference_id: user.id, metadata: { user_id: user.id, plan_id: 'pro', interval: 'month' } })
    expect([...fake.standin.state.customers.values()].filter((c) => c.metadata.user_id === user.id)).toHaveLength(1)
  })

  it('answers 404 with a message for a plan that does not exist, 400 for a bad interval', async () => {
    const { cookie } = await signedIn()
    const missing = await post('/billing/checkout', { plan: 'platinum', interval: 'month' }, cookie)
    expect(missing.status).toBe(404)
    expect(await missing.text()).toContain('There is no plan called')
    const bad = await post('/billing/checkout', { plan: 'pro', interval: 'weekly' }, cookie)
    expect(bad.status).toBe(400)
  })

  it("ignores a customer id smuggled into the form: the session uses the user's own customer", async () => {
    const a = await signedIn()
    const b = await signedIn()
    await post('/billing/checkout', { plan: 'pro' }, a.cookie)
    const [aCustomer] = await customerRow(a.user.id)
    const res = await post('/billing/checkout', { plan: 'pro', customer: aCustomer.stripeCustomerId }, b.cookie)
    const session = fake.standin.state.sessions.get(res.headers.get('location')!.split('/').pop()!)
    const [bCustomer] = await customerRow(b.user.id)
    expect(session.customer).toBe(bCustomer.stripeCustomerId)
    expect(bCustomer.stripeCustomerId).not.toBe(aCustomer.stripeCustomerId)
  })

  it.each(['500', 'timeout'] as const)('Stripe %s during checkout: a clear message, and the retry reuses the one customer', async (kind) => {
    const { user, cookie } = await signedIn()
    fake.fail(/^POST \/v1\/checkout\/sessions$/, kind)
    const res = await post('/billing/checkout', { plan: 'pro' }, cookie)
    expect(res.status).toBe(503)
    expect(await res.text()).toContain('Nothing was charged')
    // The customer Stripe made is recorded at once (a customer without a subscription costs nothing), so
    // the retry neither makes a second one nor depends on an idempotency key Stripe prunes after 24 h.
    const [row] = await customerRow(user.id)
    expect(fake.standin.state.customers.has(row!.stripeCustomerId)).toBe(true)
    // Nothing half-written: no checkout session at Stripe, no subscription here.
    expect([...fake.standin.state.sessions.values()].filter((s) => s.customer === row!.stripeCustomerId)).toEqual([])
    expect(await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.userId, user.id)))).toEqual([])
    fake.clearFaults()
    expect((await post('/billing/checkout', { plan: 'pro' }, cookie)).status).toBe(303)
    const mine = [...fake.standin.state.customers.values()].filter((c) => c.metadata?.user_id === user.id)
    expect(mine.map((c) => c.id)).toEqual([row!.stripeCustomerId])
  })

  it('changes plan by updating the existing subscription after its confirmation, never by a second checkout', async () => {
    const { user, cookie } = await signedIn()
    await subscribeAndDeliver(cookie)
    const sessionsBefore = fake.standin.state.sessions.size
    const res = await post('/billing/checkout', { plan: 'business', interval: 'month' }, cookie)
    expect(res.status).toBe(303)
    // The change is confirmed first (its price from Stripe's preview: test/billing/confirm.test.ts).
    const confirmation = await (await get(res.headers.get('location')!, cookie)).text()
    const fields = Object.fromEntries([...confirmation.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]))
    expect((await post('/billing/change', fields, cookie)).headers.get('location')).toBe('/billing')
    expect(fake.standin.state.sessions.size).toBe(sessionsBefore)
    const [row] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.userId, user.id)))
    expect(row.planId).toBe('business')
    expect(fake.standin.state.subscriptions.get(row.id).items.data[0].price.unit_amount).toBe(9900)
    // Downgrading to Free ends the subscription at period end instead, also after its confirmation.
    expect((await post('/billing/checkout', { plan: 'free' }, cookie)).headers.get('location')).toBe('/billing/subscription/cancel')
    await post('/billing/subscription/cancel', {}, cookie)
    const [after] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.userId, user.id)))
    expect(after).toMatchObject({ planId: 'business', cancelAtPeriodEnd: true })
  })

  it('requires a verified address (403 page) and a session (redirect to log in)', async () => {
    const { cookie } = await signedIn({ verified: false })
    expect((await post('/billing/checkout', { plan: 'pro' }, cookie)).status).toBe(403)
    const anonymous = await post('/billing/checkout', { plan: 'pro' })
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.get('location')).toMatch(/^\/login\?next=/)
  })

  it('refuses a cross-site POST (CSRF, checklist 14)', async () => {
    const { cookie } = await signedIn()
    for (const path of ['/billing/checkout', '/billing/change', '/billing/portal', '/billing/subscription/cancel', '/billing/subscription/resume']) {
      const res = await request(path, { method: 'POST', headers: { cookie, origin: 'https://evil.example', 'cf-connecting-ip': randomIp() }, body: new URLSearchParams({ plan: 'pro' }) })
      expect(res.status, path).toBe(403)
    }
  })

  it('refuses an oversized body with 413', async () => {
    const { cookie } = await signedIn()
    const res = await post('/billing/checkout', { plan: 'pro', filler: 'x'.repeat(10_000) }, cookie)
    expect(res.status).toBe(413)
  })

  it('throttles billing actions per user (429 after 20 in 10 minutes)', async () => {
    const { cookie } = await signedIn()
    const statuses: number[] = []
    for (let i = 0; i < 21; i++) statuses.push((await post('/billing/subscription/resume', {}, cookie)).status)
    expect(statuses.slice(0, 20).every((s) => s === 409)).toBe(true)
    expect(statuses[20]).toBe(429)
  })
})

describe('success, cancel, portal', () => {
  it('/billing/success reads the session back from Stripe and refuses one that is not yours', async () => {
    const a = await signedIn()
    const sessionId = await subscribeAndDeliver(a.cookie)
    const ok = await get(`/billing/success?session_id=${sessionId}`, a.cookie)
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('your account is on Pro')
    const b = await signedIn()
    await post('/billing/checkout', { plan: 'pro' }, b.cookie)
    const stolen = await get(`/billing/success?session_id=${sessionId}`, b.cookie)
    expect(stolen.status).toBe(404)
    expect((await get('/billing/success?session_id=<script>', a.cookie)).status).toBe(400)
  })

  it('/billing/cancel says nothing was charged', async () => {
    const { cookie } = await signedIn()
    expect(await (await get('/billing/cancel', cookie)).text()).toContain('Nothing was charged')
  })

  it('POST /billing/portal redirects to the Stripe portal for the user’s customer; 409 without one', async () => {
    const { cookie } = await signedIn()
    expect((await post('/billing/portal', {}, cookie)).status).toBe(409)
    await post('/billing/checkout', { plan: 'pro' }, cookie)
    const res = await post('/billing/portal', {}, cookie)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toMatch(/^https:\/\/api\.stripe\.com\/portal\/bps_/)
    // Stripe down (issue 21): a clear message, not a redirect to nowhere or a stack trace.
    fake.fail(/^POST \/v1\/billing_portal\/sessions$/, '500')
    const down = await post('/billing/portal', {}, cookie)
    expect(down.status).toBe(503)
    expect(await down.text()).toContain('Payments unavailable')
  })
})

describe('account deletion (POST /settings/delete)', () => {
  it('cancels the Stripe subscription first, then the account and its billing rows go', async () => {
    const { user, cookie } = await signedIn()
    await subscribeAndDeliver(cookie)
    const [sub] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.userId, user.id)))
    const res = await post('/settings/delete', { delete_current_password: PASSWORD }, cookie)
    expect(res.status).toBe(303)
    // The deletion queue does the rest (ADR 0084); Stripe failures and retries: test/auth/account-deletion.test.ts.
    await waitForAccountDeleted(user.id)
    expect(fake.standin.state.subscriptions.get(sub.id).status).toBe('canceled')
    expect(await withDb((db) => db.select().from(users).where(eq(users.id, user.id)))).toHaveLength(0)
    expect(await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.userId, user.id)))).toHaveLength(0)
    expect(await customerRow(user.id)).toHaveLength(0)
  })
})
