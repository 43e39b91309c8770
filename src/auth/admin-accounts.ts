import { and, eq, isNotNull, sql } from 'drizzle-orm'
import type { Database } from '../platform/db'
import { hashPassword } from './password'
import { sessions, users, type Role, type User } from './schema'
import { createUser, getUserByEmail, normaliseEmail } from './user'

/**
 * Accounts made by someone with database access (`quickscale admin create`, the dev seed), not through
 * sign-up: they are verified at once — there is no one to send the proof to.
 */
export async function createAdminAccount(db: Database, input: { email: string; name: string; password: string }): Promise<User | null> {
  const user = await createUser(db, { ...input, role: 'admin' })
  if (!user) return null
  const [verified] = await db.update(users).set({ emailVerifiedAt: sql`now()` }).where(eq(users.id, user.id)).returning()
  return verified ?? user
}

export async function promoteToAdmin(db: Database, email: string): Promise<'promoted' | 'already-admin' | 'no-account'> {
  const user = await getUserByEmail(db, email)
  if (!user) return 'no-account'
  if (user.role === 'admin') return 'already-admin'
  await db.update(users).set({ role: 'admin', updatedAt: sql`now()` }).where(eq(users.id, user.id))
  // As in changeUserRole: nobody goes on acting as someone who is now an admin (issue 19, finding 6).
  await db.delete(sessions).where(and(eq(sessions.userId, user.id), isNotNull(sessions.impersonatorId)))
  return 'promoted'
}

export interface DevAccount {
  id: string
  email: string
  name: string
  role: Role
  password: string
}

/** Fixed-id, verified demo accounts; existing rows are left alone, so seeding twice changes nothing. */
export async function seedDevAccounts(db: Database, accounts: DevAccount[]): Promise<void> {
  for (const a of accounts) {
    await db
      .insert(users)
      .values({ id: a.id, email: normaliseEmail(a.email), name: a.name, role: a.role, passwordHash: await hashPassword(a.password), emailVerifiedAt: new Date() })
      .onConflictDoNothing()
  }
}
