import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import { eq } from 'drizzle-orm'
import type Stripe from 'stripe'
import { withDb } from '../helpers/db'
import { auditRowsAbout } from '../admin/helpers'
import { createTestUser, get, loginCookie, post } from '../auth/helpers'
import { configureMeter, readQuota } from '../../src/usage'
import { getAccountPlan, getPlan } from '../../src/billing'
import { emailDeliveries } from '../../src/email/schema'
import { deliver, useFakeStripe } from './stripe'

// Issue 18: Stripe delivers a checkout's events concurrently and in any order, racing the success page
// (https://docs.stripe.com/webhooks#event-ordering). Whatever the order, the account ends on its plan with
// one plan-change mail, one audit row for the change and the meter on the new limits.

const fake = useFakeStripe()

/** mulberry32: a seeded shuffle, so a failing order can be replayed. */
function seededRandom(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function shuffle<T>(list: T[], random: () => number): T[] {
  const out = [...list]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

async function paidCheckout() {
  const user = await createTestUser()
  const cookie = await loginCookie(user.email)
  const res = await post('/billing/checkout', { plan: 'pro', interval: 'month' }, cookie)
  expect(res.status).toBe(303)
  const sessionId = res.headers.get('location')!.split('/').pop()!
  const from = fake.standin.events.length
  await fake.standin.completeCheckout(sessionId)
  return { user, cookie, sessionId, events: fake.eventsSince(from) }
}

const templatesTo = async (email: string) =>
  (await withDb((db) => db.select({ template: emailDeliveries.template }).from(emailDeliveries).where(eq(emailDeliveries.recipient, email)))).map((m) => m.template).sort()

describe('a checkout\'s webhook burst', () => {
  it('the stand-in sends what a real Checkout sends', async () => {
    const { events } = await paidCheckout()
    expect(events.map((e) => e.type)).toEqual([
      'customer.subscription.created', 'invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded',
      'customer.subscription.updated', 'checkout.session.completed',
    ])
    // Each event is the object as it was then: the subscription was born incomplete.
    expect((events[0].data.object as Stripe.Subscription).status).toBe('incomplete')
    expect(events[5].data.previous_attributes).toEqual({ status: 'incomplete' })
  })

  it.each([1, 2, 3, 4])('all at once in shuffled order %i, racing the success page: Pro, one mail and one audit row for the change', async (seed) => {
    const { user, cookie, sessionId, events } = await paidCheckout()
    const burst = shuffle(events, seededRandom(seed))
    const [page, ...answers] = await Promise.all([get(`/billing/success?session_id=${sessionId}`, cookie), ...burst.map((e) => deliver(e))])
    expect(page.status).toBe(200)
    for (const answer of answers) expect(answer.status).toBe(200)
    // Each event once, whoever won the race.
    expect(answers.filter((a) => a.outcome === 'duplicate')).toEqual([])

    const plan = await withDb((db) => getAccountPlan(db, user.id, new Date()))
    expect(plan).toMatchObject({ planId: 'pro', status: 'active' })
    expect(await templatesTo(user.email)).toEqual(['payment-receipt', 'subscription-changed'])
    const rows = (await auditRowsAbout(user.id)).filter((r) => /^(stripe|billing)\./.test(r.action))
    const changes = rows.filter((r) => r.action !== 'stripe.invoice.paid')
    expect(changes, JSON.stringify(rows.map((r) => r.action))).toHaveLength(1)
    expect(changes[0].detail).toMatchObject({ planId: 'pro', status: 'active' })
    const paid = rows.filter((r) => r.action === 'stripe.invoice.paid')
    expect(paid).toHaveLength(1)
    // No person acted: the row says Stripe did, and the admin's audit page shows it (issue 19, finding 7).
    expect(paid[0]!.actorId).toBeNull()
    expect(paid[0]!.detail).toMatchObject({ actor: 'Stripe' })
    // The meter holds Pro's limits (announced after commit).
    const pro = (await withDb((db) => getPlan(db, 'pro')))!
    const quota = await readQuota(env, user.id, { now: new Date() })
    expect(quota.usage.api_requests.limit).toBe(pro.apiRequestsPerMonth)
  })

  it('a replayed event announces the account\'s plan again, so a meter that missed it catches up', async () => {
    const { user, events } = await paidCheckout()
    const created = events.find((e) => e.type === 'customer.subscription.created')!
    expect((await deliver(created)).outcome).toBe('processed')
    const plan = await withDb((db) => getAccountPlan(db, user.id, new Date()))
    // As if the announcement after commit had failed: the meter still has Free's limits.
    const free = (await withDb((db) => getPlan(db, 'free')))!
    const stale = { storageBytes: free.storageBytes, fileCount: free.fileCount, uploadsPerMonth: free.uploadsPerMonth, apiRequestsPerMonth: free.apiRequestsPerMonth }
    const now = new Date()
    await configureMeter(env, { userId: user.id, limits: stale, periodStart: plan.periodStart.getTime(), periodEnd: plan.periodEnd.getTime() }, now)
    expect((await readQuota(env, user.id, { now })).usage.api_requests.limit).toBe(free.apiRequestsPerMonth)
    // Stripe retries the event it saw answered 500.
    expect(await deliver(created)).toEqual({ status: 200, outcome: 'duplicate' })
    expect((await readQuota(env, user.id, { now })).usage.api_requests.limit).toBe(plan.limits.apiRequestsPerMonth)
    expect(await templatesTo(user.email)).toEqual(['subscription-changed'])
  })
})
