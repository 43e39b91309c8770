import { afterEach, describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { users } from '../../src/auth/schema'
import { createTestUser, randomEmail } from '../auth/helpers'
import { withDb } from '../helpers/db'
import { countDatabaseRoundTrips } from '../helpers/round-trips'

// src/platform/db.ts against the real Postgres: HTTP queries, their batching, and interactive transactions
// on the WebSocket path (docs/decisions/0008-database-transport.md).
let counter: ReturnType<typeof countDatabaseRoundTrips> | null = null
afterEach(() => {
  counter?.restore()
  counter = null
})

describe('database transport', () => {
  it('queries issued together travel in one round trip and each gets its own result', async () => {
    const user = await createTestUser()
    const count = (counter = countDatabaseRoundTrips())
    await count.measure(() => withDb(async (db) => {
      const [a, b, c] = await Promise.all([
        db.execute(sql`select 1 as n`),
        db.execute(sql`select 'two' as s`),
        db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(users).where(sql`${users.id} = ${user.id}`),
      ])
      expect(a.rows).toEqual([{ n: 1 }])
      expect(b.rows).toEqual([{ s: 'two' }])
      expect(c[0]!.n).toBe(1)
      expect(count.http).toHaveLength(1)
      expect(JSON.parse(count.http[0]!).queries).toHaveLength(3)
    }))
  })

  it('queries awaited one after the other are separate round trips', async () => {
    const count = (counter = countDatabaseRoundTrips())
    await count.measure(() => withDb(async (db) => {
      await db.execute(sql`select 1`)
      await db.execute(sql`select 2`)
      expect(count.http).toHaveLength(2)
    }))
  })

  it('a failing query in a batch fails alone: the others still answer', async () => {
    const email = randomEmail('batch')
    await withDb(async (db) => {
      await db.insert(users).values({ email, name: 'Batch', passwordHash: 'unused' })
      const [duplicate, count, other] = await Promise.allSettled([
        db.insert(users).values({ email, name: 'Duplicate', passwordHash: 'unused' }),
        db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(users).where(eq(users.email, email)),
        db.execute(sql`select 42 as answer`),
      ])
      expect(duplicate.status).toBe('rejected')
      const cause = (duplicate as PromiseRejectedResult).reason?.cause ?? (duplicate as PromiseRejectedResult).reason
      expect(cause.code).toBe('23505') // unique_violation, from Postgres
      expect(count).toEqual({ status: 'fulfilled', value: [{ n: 1 }] })
      expect(other.status === 'fulfilled' && other.value.rows).toEqual([{ answer: 42 }])
    })
  })

  it('db.transaction is interactive (reads its own writes) and rolls back when the function throws', async () => {
    const email = randomEmail('tx')
    const count = (counter = countDatabaseRoundTrips())
    await count.measure(() => withDb(async (db) => {
      await expect(db.transaction(async (tx) => {
        await tx.insert(users).values({ email, name: 'In a transaction', passwordHash: 'unused' })
        const [seen] = await tx.select({ name: users.name }).from(users).where(eq(users.email, email))
        expect(seen?.name).toBe('In a transaction')
        throw new Error('changed my mind')
      })).rejects.toThrow('changed my mind')
      // Transactions hold a connection: the WebSocket Pool, opened only now.
      expect(count.sockets.length).toBeGreaterThanOrEqual(1)
      expect(await db.select().from(users).where(eq(users.email, email))).toEqual([])
      await db.transaction(async (tx) => {
        await tx.insert(users).values({ email, name: 'Committed', passwordHash: 'unused' })
      })
      const [row] = await db.select({ name: users.name }).from(users).where(eq(users.email, email))
      expect(row?.name).toBe('Committed')
    }))
  })

  it('types arrive parsed as with the WebSocket driver (timestamps, booleans, nulls, arrays, json)', async () => {
    await withDb(async (db) => {
      const { rows } = await db.execute(sql`select now() as t, true as b, null::text as z, array[1,2]::int[] as a, '{"k":1}'::jsonb as j`)
      const row = rows[0] as Record<string, unknown>
      expect(row.b).toBe(true)
      expect(row.z).toBeNull()
      expect(row.a).toEqual([1, 2])
      expect(row.j).toEqual({ k: 1 })
      expect(typeof row.t).toBe('string') // raw execute: drizzle maps timestamps only for typed columns
      const [user] = await db.select({ createdAt: users.createdAt }).from(users).limit(1)
      if (user) expect(user.createdAt).toBeInstanceOf(Date)
    })
  })
})
