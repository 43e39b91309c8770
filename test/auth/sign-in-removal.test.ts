import { describe, expect, it } from 'vitest'
import { eq, sql } from 'drizzle-orm'
import { features } from '../../src/index'
import { composeRegistry } from '../../src/platform/registry'
import { removeSignInMethod } from '../../src/auth/sign-in'
import { users } from '../../src/auth/schema'
import { oauthAccounts } from '../../src/oauth/schema'
import { withDb } from '../helpers/db'
import { createTestUser } from './helpers'

// Removing a way in (issue 22) is one step: the check and the delete share a transaction on the locked user
// row. The routes' concurrent tests (test/oauth/linking, test/passkeys/manage) can pass by timing alone, so
// this one holds the first removal open until the second is seen waiting for the lock: an implementation
// that counted before deleting, or outside the lock, would let the second count both rows and pass.
const registry = composeRegistry(features)

async function passwordlessWithTwoProviders() {
  const user = await createTestUser()
  await withDb(async (db) => {
    await db.update(users).set({ passwordHash: null }).where(eq(users.id, user.id))
    await db.insert(oauthAccounts).values([
      { userId: user.id, provider: 'github', providerUserId: `gh-${user.id}` },
      { userId: user.id, provider: 'google', providerUserId: `g-${user.id}` },
    ])
  })
  return user
}

/**
 * Resolves once a connection waits for a lock (the second removal, queued behind the first's row lock);
 * throws when none does within 10 s (an implementation that lets the second run alongside the first).
 */
async function someoneWaitsForALock(): Promise<void> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const [row] = await withDb((db) => db.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`).then((r) => r.rows))
    if ((row?.n ?? 0) > 0) return
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error('the second removal never waited for the first: check and delete are not serialised')
}

describe('removeSignInMethod', () => {
  it('a second removal waits for the first and counts what it left: the last way in is kept', async () => {
    const user = await passwordlessWithTwoProviders()
    let release!: () => void
    let inside!: () => void
    const held = new Promise<void>((r) => { release = r })
    const entered = new Promise<void>((r) => { inside = r })
    const first = withDb((db) => removeSignInMethod(registry, db, user.id, async (tx) => {
      const removed = await tx.delete(oauthAccounts).where(eq(oauthAccounts.providerUserId, `gh-${user.id}`)).returning().then((rows) => rows[0] ?? null)
      inside()
      await held
      return removed
    }))
    // Started once the first holds the row lock, its delete not yet committed.
    await entered
    const second = withDb((db) => removeSignInMethod(registry, db, user.id, async (tx) =>
      tx.delete(oauthAccounts).where(eq(oauthAccounts.providerUserId, `g-${user.id}`)).returning().then((rows) => rows[0] ?? null)))
    try {
      await someoneWaitsForALock()
    } finally {
      release()
    }
    expect((await first).outcome).toBe('removed')
    expect((await second).outcome).toBe('last-way-in')
    expect(await withDb((db) => db.select().from(oauthAccounts).where(eq(oauthAccounts.userId, user.id)))).toMatchObject([{ provider: 'google' }])
  })

  it('nothing to remove is not-found, and changes nothing', async () => {
    const user = await passwordlessWithTwoProviders()
    const result = await withDb((db) => removeSignInMethod(registry, db, user.id, async () => null))
    expect(result).toEqual({ outcome: 'not-found' })
    expect(await withDb((db) => db.select().from(oauthAccounts).where(eq(oauthAccounts.userId, user.id)))).toHaveLength(2)
  })
})
