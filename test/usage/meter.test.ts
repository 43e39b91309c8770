import { env } from 'cloudflare:workers'
import { runInDurableObject } from 'cloudflare:test'
import { and, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { withDb } from '../helpers/db'
import { createTestUser } from '../auth/helpers'
import { configureMeter, consumeQuota, meterStub, readQuota, releaseQuota } from '../../src/usage/quota'
import { usageMeters, usageRecords } from '../../src/usage/schema'
import { emailDeliveries } from '../../src/email/schema'
import type { QuotaLimits } from '../../src/usage/metrics'
import type { UsageMeter } from '../../src/usage/meter'
import { composeRegistry, emitEvent } from '../../src/platform/feature'
import { features } from '../../src/index'
import { getAccountPlan } from '../../src/billing'
import { countDatabaseRoundTrips } from '../helpers/round-trips'

// A fixed clock: mid-month, so the day and the period are known whatever the wall time.
const NOW = new Date(Date.UTC(2026, 10, 15, 12, 0, 0))
const NOV = { periodStart: Date.UTC(2026, 10, 1), periodEnd: Date.UTC(2026, 11, 1) }
const LIMITS: QuotaLimits = { storageBytes: 1000, fileCount: 10, uploadsPerMonth: 100, apiRequestsPerMonth: 100 }

async function meteredUser(limits: Partial<QuotaLimits> = {}) {
  const user = await createTestUser()
  await configureMeter(env, { userId: user.id, limits: { ...LIMITS, ...limits }, ...NOV }, NOW)
  return user
}

const api = (amount = 1) => [{ metric: 'api_requests' as const, amount }]

async function postgresFigures(userId: string, metric: string) {
  return withDb(async (db) => {
    const records = await db.select().from(usageRecords).where(and(eq(usageRecords.userId, userId), eq(usageRecords.metric, metric)))
    const [meter] = await db.select().from(usageMeters).where(and(eq(usageMeters.userId, userId), eq(usageMeters.metric, metric)))
    return { records, meter }
  })
}

describe('UsageMeter: exact under concurrency', () => {
  it('1000 concurrent consumes against a limit of 100: exactly 100 allowed, the counter exact, Postgres agrees after the flush', async () => {
    const user = await meteredUser()
    const results = await Promise.all(Array.from({ length: 1000 }, () => consumeQuota(env, user.id, api(), { now: NOW })))
    expect(results.filter((r) => r.allowed)).toHaveLength(100)
    const denied = results.filter((r) => !r.allowed)
    expect(denied).toHaveLength(900)
    // Denials name the limit and say when the period resets (Nov 15 12:00 → Dec 1 00:00).
    expect(denied[0].denied).toEqual({ metric: 'api_requests', used: 100, limit: 100, retryAfterSeconds: 15.5 * 86_400 })

    const live = await readQuota(env, user.id, { now: NOW })
    expect(live.usage.api_requests).toEqual({ used: 100, limit: 100, remaining: 0 })

    await meterStub(env, user.id).flush()
    const pg = await postgresFigures(user.id, 'api_requests')
    expect(pg.records.map((r) => [r.day, r.amount])).toEqual([['2026-11-15', 100]])
    expect(pg.meter).toMatchObject({ used: 100, limit: 100 })
    expect(pg.meter.periodStart.getTime()).toBe(NOV.periodStart)
  })

  it('a flush repeated (or retried) leaves Postgres the same: rows hold absolute values', async () => {
    const user = await meteredUser()
    await consumeQuota(env, user.id, api(7), { now: NOW })
    const stub = meterStub(env, user.id)
    await stub.flush()
    await stub.flush()
    // Forget the flush happened (as after a write that committed but whose acknowledgement was lost).
    await runInDurableObject(stub, (meter: UsageMeter, state) => { state.storage.kv.put('flushed', 0); void meter })
    await stub.flush()
    const pg = await postgresFigures(user.id, 'api_requests')
    expect(pg.records.map((r) => r.amount)).toEqual([7])
    expect(pg.meter.used).toBe(7)
  })

  it('several items are all or nothing', async () => {
    const user = await meteredUser()
    const upload = (bytes: number) => [{ metric: 'uploads' as const, amount: 1 }, { metric: 'file_count' as const, amount: 1 }, { metric: 'storage_bytes' as const, amount: bytes }]
    expect((await consumeQuota(env, user.id, upload(600), { now: NOW })).allowed).toBe(true)
    const refused = await consumeQuota(env, user.id, upload(600), { now: NOW })
    expect(refused.allowed).toBe(false)
    // A gauge has no Retry-After: waiting does not free space.
    expect(refused.denied).toEqual({ metric: 'storage_bytes', used: 600, limit: 1000 })
    expect(refused.usage.uploads.used).toBe(1)
    expect(refused.usage.file_count.used).toBe(1)
  })

  it('gauges go down on release; a deleted file frees its space', async () => {
    const user = await meteredUser()
    await consumeQuota(env, user.id, [{ metric: 'storage_bytes', amount: 900 }, { metric: 'file_count', amount: 1 }], { now: NOW })
    expect((await consumeQuota(env, user.id, [{ metric: 'storage_bytes', amount: 200 }], { now: NOW })).allowed).toBe(false)
    const after = await releaseQuota(env, user.id, [{ metric: 'storage_bytes', amount: 900 }, { metric: 'file_count', amount: 1 }], { now: NOW })
    expect(after.usage.storage_bytes.used).toBe(0)
    expect(after.usage.file_count.used).toBe(0)
    expect((await consumeQuota(env, user.id, [{ metric: 'storage_bytes', amount: 200 }], { now: NOW })).allowed).toBe(true)
    // Never below zero.
    expect((await releaseQuota(env, user.id, [{ metric: 'storage_bytes', amount: 5000 }], { now: NOW })).usage.storage_bytes.used).toBe(0)
  })

  it('rejects malformed items instead of counting them', async () => {
    const user = await meteredUser()
    await expect(consumeQuota(env, user.id, [{ metric: 'api_requests', amount: -1 }], { now: NOW })).rejects.toThrow(/whole number/)
    await expect(consumeQuota(env, user.id, [{ metric: 'not a metric' as 'uploads', amount: 1 }], { now: NOW })).rejects.toThrow(/Unknown metric/)
    await expect(consumeQuota(env, user.id, [{ metric: 'uploads', amount: 0.5 }], { now: NOW })).rejects.toThrow(/whole number/)
    expect((await readQuota(env, user.id, { now: NOW })).usage.uploads.used).toBe(0)
  })
})

describe('UsageMeter: plans and periods', () => {
  it('a plan upgrade raises the limit at once, in the same period', async () => {
    const user = await meteredUser({ apiRequestsPerMonth: 3 })
    for (let i = 0; i < 3; i++) expect((await consumeQuota(env, user.id, api(), { now: NOW })).allowed).toBe(true)
    expect((await consumeQuota(env, user.id, api(), { now: NOW })).allowed).toBe(false)
    await configureMeter(env, { userId: user.id, limits: { ...LIMITS, apiRequestsPerMonth: 10 }, ...NOV }, NOW)
    const next = await consumeQuota(env, user.id, api(), { now: NOW })
    expect(next.allowed).toBe(true)
    // Same period: the count carries on.
    expect(next.usage.api_requests).toEqual({ used: 4, limit: 10, remaining: 6 })
  })

  it('a new period resets counters but not gauges (calendar month rolls on its own)', async () => {
    const user = await meteredUser()
    await consumeQuota(env, user.id, [{ metric: 'api_requests', amount: 40 }, { metric: 'uploads', amount: 2 }, { metric: 'storage_bytes', amount: 300 }, { metric: 'file_count', amount: 2 }], { now: NOW })
    const december = new Date(Date.UTC(2026, 11, 2))
    const r = await readQuota(env, user.id, { now: december })
    expect(r.periodStart).toBe(Date.UTC(2026, 11, 1))
    expect(r.periodEnd).toBe(Date.UTC(2027, 0, 1))
    expect(r.usage.api_requests.used).toBe(0)
    expect(r.usage.uploads.used).toBe(0)
    expect(r.usage.storage_bytes.used).toBe(300)
    expect(r.usage.file_count.used).toBe(2)
  })

  it('a plan with a later period start (a new subscription) starts a new period; unlimited is null', async () => {
    const user = await meteredUser()
    await consumeQuota(env, user.id, api(50), { now: NOW })
    const start = NOW.getTime()
    const r = await configureMeter(env, { userId: user.id, limits: { ...LIMITS, apiRequestsPerMonth: Infinity }, periodStart: start, periodEnd: Date.UTC(2026, 11, 15, 12) }, NOW)
    expect(r.usage.api_requests).toEqual({ used: 0, limit: null, remaining: null })
    expect((await consumeQuota(env, user.id, api(1_000_000), { now: NOW })).allowed).toBe(true)
  })

  it('counts survive the object being thrown away and rebuilt from its storage (a restart)', async () => {
    const user = await meteredUser()
    await consumeQuota(env, user.id, api(42), { now: NOW })
    // A mark on the live instance (memory only): a restarted object no longer has it.
    type Probed = UsageMeter & { restartProbe?: string }
    await runInDurableObject(meterStub(env, user.id), (meter: Probed) => { meter.restartProbe = 'before restart' })
    // Ends the live instance: the call rejects with the abort, the next call builds a new one from storage.
    const aborted = await runInDurableObject(meterStub(env, user.id), (_meter: UsageMeter, state) => state.abort('simulated restart'))
      .then(() => 'not aborted', (err: unknown) => String(err))
    expect(aborted).toContain('simulated restart')
    expect(await runInDurableObject(meterStub(env, user.id), (meter: Probed) => meter.restartProbe ?? 'a new instance')).toBe('a new instance')
    expect((await readQuota(env, user.id, { now: NOW })).usage.api_requests.used).toBe(42)
  })

  it('a meter that never ran reads its plan once (the free calendar month until billing says otherwise)', async () => {
    const user = await createTestUser()
    const plan = await withDb((db) => getAccountPlan(db, user.id, NOW))
    const trips = countDatabaseRoundTrips()
    try {
      const r = await trips.measure(() => consumeQuota(env, user.id, api(), { now: NOW }))
      expect(r.allowed).toBe(true)
      expect(r.periodStart).toBe(NOV.periodStart)
      expect(r.usage.api_requests.limit).toBe(plan.limits.apiRequestsPerMonth)
      // The first call read the plan from Postgres; later calls are answered by the meter alone.
      const first = trips.total
      expect(first).toBeGreaterThan(0)
      await trips.measure(() => consumeQuota(env, user.id, api(), { now: NOW }))
      await trips.measure(() => readQuota(env, user.id, { now: NOW }))
      expect(trips.total).toBe(first)
    } finally {
      trips.restore()
    }
  })
})

describe('UsageMeter: the 80% warning', () => {
  it('is mailed once per metric and period', async () => {
    const user = await meteredUser({ apiRequestsPerMonth: 10 })
    const stub = meterStub(env, user.id)
    await consumeQuota(env, user.id, api(7), { now: NOW })
    await stub.flush()
    const mails = () => withDb((db) => db.select().from(emailDeliveries).where(and(eq(emailDeliveries.recipient, user.email), eq(emailDeliveries.template, 'quota-warning'))))
    expect(await mails()).toHaveLength(0)
    await consumeQuota(env, user.id, api(1), { now: NOW }) // 8 of 10: crosses 80%
    await stub.flush()
    expect(await mails()).toHaveLength(1)
    // Down and up across the line again in the same period: no second mail.
    await stub.adjust('api_requests', 5, NOW.getTime())
    await consumeQuota(env, user.id, api(4), { now: NOW })
    await stub.flush()
    expect(await mails()).toHaveLength(1)
    // Next period, crossing again: a new mail.
    const dec = new Date(Date.UTC(2026, 11, 3))
    await consumeQuota(env, user.id, api(9), { now: dec })
    await stub.flush()
    expect(await mails()).toHaveLength(2)
  })
})

describe('UsageMeter: limits from billing', () => {
  it("billing.plan_changed moves the meter's limits at once (the webhook → meter path)", async () => {
    const user = await meteredUser({ apiRequestsPerMonth: 1 })
    expect((await consumeQuota(env, user.id, api(), { now: NOW })).allowed).toBe(true)
    expect((await consumeQuota(env, user.id, api(), { now: NOW })).allowed).toBe(false)
    await withDb((db) => emitEvent(composeRegistry(features), 'billing.plan_changed', {
      userId: user.id, planId: 'pro', limits: { ...LIMITS, apiRequestsPerMonth: 50 }, periodStart: new Date(NOV.periodStart), periodEnd: new Date(NOV.periodEnd),
    }, { db, env, now: NOW }))
    const r = await consumeQuota(env, user.id, api(), { now: NOW })
    expect(r.allowed).toBe(true)
    expect(r.usage.api_requests).toEqual({ used: 2, limit: 50, remaining: 48 })
  })

  it('a meter that never ran takes the Free plan from billing: its limits, the calendar month', async () => {
    const user = await createTestUser()
    const r = await readQuota(env, user.id, { now: NOW })
    const plan = await withDb((db) => getAccountPlan(db, user.id, NOW))
    expect(plan.planId).toBe('free')
    expect(r.usage.api_requests.limit).toBe(plan.limits.apiRequestsPerMonth)
    expect(r.usage.storage_bytes.limit).toBe(plan.limits.storageBytes)
    expect([r.periodStart, r.periodEnd]).toEqual([NOV.periodStart, NOV.periodEnd])
  })
})
