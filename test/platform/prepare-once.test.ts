import { afterEach, describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { users } from '../../src/auth/schema'
import { prepareOnce } from '../../src/platform/db'
import { createTestUser } from '../auth/helpers'
import { withDb } from '../helpers/db'
import { countDatabaseRoundTrips } from '../helpers/round-trips'

// prepareOnce (src/platform/db.ts, ADR 0102): SQL built once per isolate, run on each request's own client.
let counter: ReturnType<typeof countDatabaseRoundTrips> | null = null
afterEach(() => {
  counter?.restore()
  counter = null
})

const userById = prepareOnce<{ id: string; email: string; name: string; createdAt: Date }>('test_user_by_id', (db) =>
  db.select({ id: users.id, email: users.email, name: users.name, createdAt: users.createdAt }).from(users).where(eq(users.id, sql.placeholder('id'))))

describe('prepareOnce', () => {
  it('maps rows as drizzle does, each call with its own values, and joins the request\'s batch', async () => {
    const [a, b] = [await createTestUser(), await createTestUser()]
    const count = (counter = countDatabaseRoundTrips())
    await count.measure(() => withDb(async (db) => {
      const [rowsA, rowsB, plain] = await Promise.all([
        userById(db, { id: a.id }),
        userById(db, { id: b.id }),
        db.select({ id: users.id }).from(users).where(eq(users.id, a.id)),
      ])
      expect(rowsA).toEqual([{ id: a.id, email: a.email, name: a.name, createdAt: expect.any(Date) }])
      expect(rowsB.map((r) => r.email)).toEqual([b.email])
      expect(plain).toEqual([{ id: a.id }])
      // Issued in the same tick as an ordinary query: one HTTP request for the three (db-coalesce.ts).
      expect(count.http).toHaveLength(1)
    }))
  })

  it('inside a transaction it runs on the transaction', async () => {
    const user = await createTestUser()
    await withDb(async (db) => {
      let inside: { name: string } | undefined
      const ended = await db.transaction(async (tx) => {
        await tx.update(users).set({ name: 'Renamed in tx' }).where(eq(users.id, user.id))
        // Sees the transaction's own uncommitted write: it ran on the transaction's connection.
        ;[inside] = await userById(tx, { id: user.id })
        tx.rollback()
      }).catch((err: unknown) => err)
      expect(ended).toBeInstanceOf(Error)
      expect(inside!.name).toBe('Renamed in tx')
      // Rolled back: outside, the name never changed.
      expect((await userById(db, { id: user.id }))[0]!.name).toBe(user.name)
    })
  })
})
