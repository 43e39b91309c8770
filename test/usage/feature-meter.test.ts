import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { withDb } from '../helpers/db'
import { createTestUser, loginCookie } from '../auth/helpers'
import { configureMeter, consumeQuota, meterStub, readQuota } from '../../src/usage/quota'
import { requireUser } from '../../src/auth'
import { quotaExceeded } from '../../src/usage'
import { plans, subscriptions } from '../../src/billing/schema'
import { createApp } from '../../src/platform/app'
import type { Feature } from '../../src/platform/feature'
import type { AppEnv } from '../../src/platform/types'
import type { QuotaLimits } from '../../src/usage/metrics'
import { features } from '../../src/index'

// A meter a feature declares (Feature.meters, ADR 0072): counted in the same UsageMeter, limited by the
// plan's meter_limits, listed on /usage. The feature here is the test's own, composed with the real ones.
const NOW = new Date(Date.UTC(2026, 10, 15, 12, 0, 0))
const NOV = { periodStart: Date.UTC(2026, 10, 1), periodEnd: Date.UTC(2026, 11, 1) }
const BUILT_IN: QuotaLimits = { storageBytes: 1000, fileCount: 10, uploadsPerMonth: 100, apiRequestsPerMonth: 100 }
const exports = (amount = 1) => [{ metric: 'report_exports', amount }]

/** A plan of the test's own (no shared row changes) listing `meterLimits`, and a user subscribed to it. */
async function userOnPlan(meterLimits: Record<string, number>, period = { start: new Date(NOV.periodStart), end: new Date(NOV.periodEnd) }) {
  const user = await createTestUser()
  const planId = `meter-test-${crypto.randomUUID().slice(0, 8)}`
  await withDb(async (db) => {
    await db.insert(plans).values({ id: planId, name: 'Meter test', blurb: 'test', active: false, monthlyPrice: 100, yearlyPrice: 1000, ...BUILT_IN, meterLimits })
    await db.insert(subscriptions).values({
      id: `sub_${crypto.randomUUID().slice(0, 8)}`, userId: user.id, stripeCustomerId: 'cus_x', planId, interval: 'month', stripeItemId: 'si_x',
      stripePriceId: 'price_x', status: 'active', currentPeriodStart: period.start, currentPeriodEnd: period.end,
    })
  })
  return user
}

describe('a feature meter in the UsageMeter', () => {
  it('50 concurrent consumes against the plan limit of 10: exactly 10 allowed, the rest refused as a counter', async () => {
    const user = await createTestUser()
    await configureMeter(env, { userId: user.id, limits: { ...BUILT_IN, meters: { report_exports: 10 } }, ...NOV }, NOW)
    const results = await Promise.all(Array.from({ length: 50 }, () => consumeQuota(env, user.id, exports(), { now: NOW })))
    expect(results.filter((r) => r.allowed)).toHaveLength(10)
    const denied = results.find((r) => !r.allowed)!
    // The same denial as uploads: the limit, and the seconds until the period resets (Nov 15 12:00 → Dec 1).
    expect(denied.denied).toEqual({ metric: 'report_exports', used: 10, limit: 10, retryAfterSeconds: 15.5 * 86_400 })
    expect((await readQuota(env, user.id, { now: NOW })).usage.report_exports).toEqual({ used: 10, limit: 10, remaining: 0 })
    // A new period starts it again, as every counter.
    const december = await consumeQuota(env, user.id, exports(), { now: new Date(Date.UTC(2026, 11, 2)) })
    expect(december.usage.report_exports).toEqual({ used: 1, limit: 10, remaining: 9 })
  })

  it('limits stored before the metric existed: the meter reads the plan again once; a metric the plan does not list is refused (limit 0)', async () => {
    const user = await userOnPlan({ report_exports: 3 })
    // What a meter configured before the feature was deployed holds: no word of report_exports.
    await configureMeter(env, { userId: user.id, limits: BUILT_IN, ...NOV }, NOW)
    const first = await withDb((db) => consumeQuota(env, user.id, exports(3), { db, now: NOW }))
    expect(first.allowed).toBe(true)
    expect(first.usage.report_exports).toEqual({ used: 3, limit: 3, remaining: 0 })
    const unlisted = await withDb((db) => consumeQuota(env, user.id, [{ metric: 'chart_renders', amount: 1 }], { db, now: NOW }))
    expect(unlisted.denied).toMatchObject({ metric: 'chart_renders', used: 0, limit: 0 })
    // -1 in the plan: no limit.
    const unlimited = await userOnPlan({ report_exports: -1 })
    const big = await withDb((db) => consumeQuota(env, unlimited.id, exports(1_000_000), { db, now: NOW }))
    expect(big.usage.report_exports).toEqual({ used: 1_000_000, limit: null, remaining: null })
  })

  it('refuses a malformed metric name before the meter', async () => {
    await expect(consumeQuota(env, crypto.randomUUID(), [{ metric: 'Report Exports', amount: 1 }], { now: NOW })).rejects.toThrow('Unknown metric')
  })
})

describe('a feature meter on /usage and behind quotaExceeded', () => {
  const reports: Feature = {
    name: 'reports-probe',
    meters: [{ metric: 'report_exports', label: 'report exports this period' }],
    routes: new Hono<AppEnv>().post('/probe/export', requireUser, async (c) => {
      const result = await consumeQuota(c.env, c.get('viewer')!.id, exports(), { db: c.get('db'), now: new Date() })
      if (!result.allowed && result.denied) return quotaExceeded(c, result.denied)
      return c.text('exported')
    }),
  }
  const { worker } = createApp([...features, reports])
  const send = async (path: string, cookie: string, method = 'GET') => {
    const ctx = createExecutionContext()
    const res = await worker.fetch(new Request(`http://localhost${path}`, { method, headers: { cookie, origin: 'http://localhost' } }), env, ctx)
    await waitOnExecutionContext(ctx)
    return res
  }

  it("lists the meter with the plan's limit, and refuses past it with the built-in meters' 429 and upgrade message", async () => {
    const now = new Date()
    const user = await userOnPlan({ report_exports: 2 }, { start: new Date(now.getTime() - 86_400_000), end: new Date(now.getTime() + 20 * 86_400_000) })
    const cookie = await loginCookie(user.email)
    const page = await (await send('/usage', cookie)).text()
    expect(page).toContain('<span id="quota-report_exports-label" class="has-text-weight-semibold">Report exports this period</span>')
    expect(page).toContain('<span id="quota-report_exports-text">0 of 2 (0%)</span>')
    expect((await send('/probe/export', cookie, 'POST')).status).toBe(200)
    expect((await send('/probe/export', cookie, 'POST')).status).toBe(200)
    const over = await send('/probe/export', cookie, 'POST')
    expect(over.status).toBe(429)
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await over.text()).toContain("You have reached your plan&#39;s limit of report exports for this period (2 of 2). It resets when the period ends; upgrade at /pricing for more.")
    await meterStub(env, user.id).flush()
    expect(await (await send('/usage', cookie)).text()).toContain('<span id="quota-report_exports-text">2 of 2 (100%)</span>')
  })
})
