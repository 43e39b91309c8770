import { describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { withDb } from '../helpers/db'
import { createTestUser } from '../auth/helpers'
import { getAccountPlan, listPlans } from '../../src/billing'
import { subscriptions } from '../../src/billing/schema'

describe('plans catalogue', () => {
  it('lists Free, Pro and Business with prices and limits from the migration', async () => {
    const rows = await withDb((db) => listPlans(db))
    expect(rows.map((p) => p.id)).toEqual(['free', 'pro', 'business'])
    const pro = rows[1]
    expect(pro).toMatchObject({ monthlyPrice: 1900, yearlyPrice: 19000, recommended: true, apiRequestsPerMonth: 50000 })
    expect(pro.storageBytes).toBe(10 * 1024 ** 3)
  })

  it('gives a user without a subscription Free over the calendar month (UTC)', async () => {
    const user = await createTestUser()
    const plan = await withDb((db) => getAccountPlan(db, user.id, new Date('2026-02-14T23:30:00-05:00')))
    expect(plan).toMatchObject({ planId: 'free', name: 'Free', status: 'free' })
    // meters: whatever limits generated metered features' migrations gave Free (none in the starter itself).
    expect(plan.limits).toEqual({ storageBytes: 104857600, fileCount: 100, uploadsPerMonth: 200, apiRequestsPerMonth: 1000, meters: expect.any(Object) })
    expect(plan.periodStart.toISOString()).toBe('2026-02-01T00:00:00.000Z')
    expect(plan.periodEnd.toISOString()).toBe('2026-03-01T00:00:00.000Z')
  })

  it('gives a live subscription its plan and billing period; a canceled one falls back to Free', async () => {
    const user = await createTestUser()
    const start = new Date('2026-03-10T12:00:00Z')
    const end = new Date('2026-04-10T12:00:00Z')
    const id = `sub_${crypto.randomUUID().slice(0, 8)}`
    await withDb((db) => db.insert(subscriptions).values({
      id, userId: user.id, stripeCustomerId: 'cus_x', planId: 'pro', interval: 'month', stripeItemId: 'si_x', stripePriceId: 'price_x',
      status: 'past_due', currentPeriodStart: start, currentPeriodEnd: end,
    }))
    const pro = await withDb((db) => getAccountPlan(db, user.id, new Date('2026-03-20T00:00:00Z')))
    expect(pro).toMatchObject({ planId: 'pro', status: 'past_due', periodStart: start, periodEnd: end })
    expect(pro.limits.uploadsPerMonth).toBe(5000)
    await withDb((db) => db.update(subscriptions).set({ status: 'canceled' }).where(eq(subscriptions.id, id)))
    const free = await withDb((db) => getAccountPlan(db, user.id, new Date('2026-03-20T00:00:00Z')))
    expect(free.planId).toBe('free')
  })
})
