import { env } from 'cloudflare:workers'
import { runInDurableObject } from 'cloudflare:test'
import { eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { withDb } from '../helpers/db'
import { createTestUser } from '../auth/helpers'
import { configureMeter, consumeQuota, meterStub } from '../../src/usage/quota'
import { usageMeters, usageRecords } from '../../src/usage/schema'
import { deleteUsageData } from '../../src/usage/cleanup'
import type { UsageMeter } from '../../src/usage/meter'

const NOW = new Date(Date.UTC(2026, 10, 15, 12, 0, 0))
const NOV = { periodStart: Date.UTC(2026, 10, 1), periodEnd: Date.UTC(2026, 11, 1) }

/** Resolves once some backend is waiting on a lock held by `holderPid` (a condition, not a sleep). */
async function waitUntilBlockedBy(holderPid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const waiting = await withDb(async (db) => {
      const rows = await db.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where ${holderPid} = any(pg_blocking_pids(pid))`)
      return rows.rows[0].n
    })
    if (waiting > 0) return
    if (Date.now() > deadline) throw new Error('the flush never reached the locked row')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('UsageMeter.wipe and a running flush', () => {
  it('a wipe waits for the flush in progress: no rows for the account remain and the meter is empty', async () => {
    const user = await createTestUser()
    await configureMeter(env, { userId: user.id, limits: { storageBytes: 1000, fileCount: 10, uploadsPerMonth: 100, apiRequestsPerMonth: 100 }, ...NOV }, NOW)
    await consumeQuota(env, user.id, [{ metric: 'api_requests', amount: 3 }], { now: NOW })
    const stub = meterStub(env, user.id)

    // A usage_meters row the flush will upsert, held under a row lock by an open transaction: the
    // flush's write (usage_records inserted, then usage_meters) waits inside its transaction.
    await withDb((db) => db.insert(usageMeters).values({
      userId: user.id, metric: 'api_requests', used: 0, limit: 100, periodStart: new Date(NOV.periodStart), periodEnd: new Date(NOV.periodEnd),
    }))
    let release!: () => void
    const released = new Promise<void>((r) => { release = r })
    let holderPid!: number
    let locked!: () => void
    const isLocked = new Promise<void>((r) => { locked = r })
    const holder = withDb((db) => db.transaction(async (tx) => {
      await tx.execute(sql`select 1 from usage_meters where user_id = ${user.id} and metric = 'api_requests' for update`)
      holderPid = (await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`)).rows[0].pid
      locked()
      await released
    }))
    await isLocked

    const flush = stub.flush()
    await waitUntilBlockedBy(holderPid)

    // Account deletion's usage step: wipe the meter, then delete the rows.
    let cleanupDone = false
    const cleanup = withDb((db) => deleteUsageData(db, { id: user.id, email: user.email }, env, new Date())).then(() => { cleanupDone = true })
    // Still held: the wipe (and so the cleanup) cannot have finished while the flush is writing.
    await waitUntilBlockedBy(holderPid)
    expect(cleanupDone).toBe(false)

    release()
    await holder
    await flush
    await cleanup

    const left = await withDb(async (db) => ({
      records: await db.select().from(usageRecords).where(eq(usageRecords.userId, user.id)),
      meters: await db.select().from(usageMeters).where(eq(usageMeters.userId, user.id)),
    }))
    expect(left).toEqual({ records: [], meters: [] })

    // The object keeps nothing: no config, no version, no flushed mark, no pending alarm.
    await runInDurableObject(stub, async (_meter: UsageMeter, state) => {
      expect([...state.storage.kv.list()]).toEqual([])
      expect(await state.storage.getAlarm()).toBeNull()
    })
    // And a flush after the wipe writes nothing for the account.
    await stub.flush()
    const after = await withDb((db) => db.select().from(usageRecords).where(eq(usageRecords.userId, user.id)))
    expect(after).toEqual([])
  })
})
