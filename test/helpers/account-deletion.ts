import { eq } from 'drizzle-orm'
import { users } from '../../src/auth/schema'
import { withDb } from './db'

/**
 * Account deletion is a saga (ADR 0084): the request marks the account and the real deletion queue's
 * consumer removes it a moment later. Waits until the user row is gone; fails with the row's deletion
 * state when it does not go in time.
 */
export async function waitForAccountDeleted(userId: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const [row] = await withDb((db) => db.select({ requested: users.deletionRequestedAt, failed: users.deletionFailedAt, error: users.deletionError }).from(users).where(eq(users.id, userId)))
    if (!row) return
    if (Date.now() > end) throw new Error(`account ${userId} not deleted after ${timeoutMs} ms: ${JSON.stringify(row)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
