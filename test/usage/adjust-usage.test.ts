import { env } from 'cloudflare:workers'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { withDb } from '../helpers/db'
import { createTestUser } from '../auth/helpers'
import { configureMeter, consumeQuota, readQuota } from '../../src/usage/quota'
import { usageAdjustments, usageMeters } from '../../src/usage/schema'
import { adjustUsage, setMeter, type SetMeter } from '../../src/usage/admin'

const NOW = new Date(Date.UTC(2026, 10, 15, 12, 0, 0))
const NOV = { periodStart: Date.UTC(2026, 10, 1), periodEnd: Date.UTC(2026, 11, 1) }

async function meteredUserAt(used: number) {
  const user = await createTestUser()
  await configureMeter(env, { userId: user.id, limits: { storageBytes: 1000, fileCount: 10, uploadsPerMonth: 100, apiRequestsPerMonth: 100 }, ...NOV }, NOW)
  await consumeQuota(env, user.id, [{ metric: 'api_requests', amount: used }], { now: NOW })
  return user
}

const rowsOf = (userId: string) => withDb((db) => db.select().from(usageAdjustments).where(eq(usageAdjustments.userId, userId)))

describe('adjustUsage: the record and the meter, safe to stop halfway (issue 19, 12e)', () => {
  it('a meter call that fails leaves the record pending and the meter untouched; the retry completes that same record', async () => {
    const user = await meteredUserAt(40)
    const admin = await createTestUser({ role: 'admin' })
    const unavailable: SetMeter = async () => { throw new Error('meter unavailable') }
    const input = { userId: user.id, metric: 'api_requests' as const, value: 10, actorId: admin.id, reason: 'ticket 7' }

    await expect(withDb((db) => adjustUsage({ db, env, now: NOW, setMeter: unavailable }, input))).rejects.toThrow('meter unavailable')
    const [pending, ...others] = await rowsOf(user.id)
    expect(others).toEqual([])
    expect(pending).toMatchObject({ metric: 'api_requests', before: 40, after: 10, reason: 'ticket 7', appliedAt: null })
    expect((await readQuota(env, user.id, { now: NOW })).usage.api_requests.used).toBe(40)

    const row = await withDb((db) => adjustUsage({ db, env, now: NOW }, input))
    expect(row.id).toBe(pending.id)
    const rows = await rowsOf(user.id)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ id: pending.id, before: 40, after: 10, appliedAt: NOW })
    expect((await readQuota(env, user.id, { now: NOW })).usage.api_requests.used).toBe(10)
    const [pg] = await withDb((db) => db.select().from(usageMeters).where(eq(usageMeters.userId, user.id)).then((r) => r.filter((m) => m.metric === 'api_requests')))
    expect(pg.used).toBe(10)
  })

  it('the meter set but the record not marked (the call answered, the marking lost): the retry sets it again and keeps the first before', async () => {
    const user = await meteredUserAt(25)
    // The meter is set, then the marking fails: modelled by a meter call that sets and then throws.
    const setThenLost: SetMeter = async (...args) => { await setMeter(...args); throw new Error('acknowledgement lost') }
    const input = { userId: user.id, metric: 'api_requests' as const, value: 5, actorId: null, reason: 'retry' }
    await expect(withDb((db) => adjustUsage({ db, env, now: NOW, setMeter: setThenLost }, input))).rejects.toThrow('acknowledgement lost')
    expect((await readQuota(env, user.id, { now: NOW })).usage.api_requests.used).toBe(5)

    await withDb((db) => adjustUsage({ db, env, now: NOW }, input))
    const rows = await rowsOf(user.id)
    expect(rows).toHaveLength(1)
    // Setting twice is not subtracting twice; the record says where the meter really came from.
    expect(rows[0]).toMatchObject({ before: 25, after: 5, appliedAt: NOW })
    expect((await readQuota(env, user.id, { now: NOW })).usage.api_requests.used).toBe(5)
  })
})
