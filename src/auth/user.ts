import { eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../platform/db'
import type { EndCredentials } from './credentials'
import { voidPendingVerifications } from './email-verification'
import { hashPassword } from './password'
import { passwordResetTokens, sessions, users, type Role, type User } from './schema'

// One canonical form so that "Ann@Example.com" and "ann@example.com " are the same account.
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

export const emailSchema = z
  .string({ error: 'Enter your email address.' })
  .trim()
  .min(1, 'Enter your email address.')
  .max(254, 'Use an email address of at most 254 characters.')
  .pipe(z.email({ error: 'Enter a valid email address, like name@example.com.' }))
  .transform(normaliseEmail)

export const nameSchema = z
  .string({ error: 'Enter your name.' })
  .trim()
  .min(1, 'Enter your name.')
  .max(100, 'Use at most 100 characters.')

export async function getUserByEmail(db: Database, email: string): Promise<User | null> {
  const [user] = await db.select().from(users).where(eq(users.email, normaliseEmail(email))).limit(1)
  return user ?? null
}

export async function getUserById(db: Database, id: string): Promise<User | null> {
  const [user] = await db.select().from(users).where(eq(users.id, id)).limit(1)
  return user ?? null
}

/**
 * Returns null when the address is taken (the unique index decides, so two racing sign-ups cannot both win).
 * `hash` is the password hashing (ADR 0020) as a dependency: tests that make hundreds of accounts with one
 * password pass a memo of it, so each isolate runs argon2 once for that password instead of per account.
 */
export async function createUser(db: Database, input: { email: string; name: string; password: string; role?: Role }, hash: (password: string) => Promise<string> = hashPassword): Promise<User | null> {
  const passwordHash = await hash(input.password)
  const [user] = await db
    .insert(users)
    .values({ email: normaliseEmail(input.email), name: input.name, passwordHash, role: input.role ?? 'user' })
    .onConflictDoNothing({ target: users.email })
    .returning()
  return user ?? null
}

/**
 * An account made from a provider's sign-in (issue 22, src/oauth): no password (passwordHash null, so the
 * password form offers "Set a password" through the reset mail), verified only when the provider vouched
 * for the address. Null when the address is taken, as for createUser.
 */
export async function createPasswordlessUser(db: Database, input: { email: string; name: string; emailVerifiedAt: Date | null }): Promise<User | null> {
  const [user] = await db
    .insert(users)
    .values({ email: normaliseEmail(input.email), name: input.name, passwordHash: null, role: 'user', emailVerifiedAt: input.emailVerifiedAt })
    .onConflictDoNothing({ target: users.email })
    .returning()
  return user ?? null
}

export async function updateUserName(db: Database, userId: string, name: string): Promise<void> {
  await db.update(users).set({ name, updatedAt: sql`now()` }).where(eq(users.id, userId))
}

export async function updateUserPasswordHash(db: Database, userId: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash, updatedAt: sql`now()` }).where(eq(users.id, userId))
}

/**
 * A password change in settings, all or nothing: the new hash and security stamp, every session gone
 * (checklist 3; the caller issues this browser a fresh one), any pending reset link and any pending email
 * change or verification dead — nothing mailed before the change may undo it (issue 9, finding 1).
 */
export async function changeUserPassword(db: Database, userId: string, passwordHash: string, now: Date, endCredentials?: EndCredentials): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, securityStamp: sql`gen_random_uuid()`, updatedAt: sql`now()` }).where(eq(users.id, userId))
    await tx.delete(sessions).where(eq(sessions.userId, userId))
    await tx.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, userId))
    await voidPendingVerifications(tx, userId)
    // API keys and any other derived credential end in the same transaction (checklist 35).
    await endCredentials?.(tx as unknown as Database, userId, now)
  })
}
