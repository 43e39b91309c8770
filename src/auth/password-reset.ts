import { and, eq, gt, sql } from 'drizzle-orm'
import type { Database } from '../platform/db'
import { passwordResetTokens, sessions, users } from './schema'
import type { EndCredentials } from './credentials'
import { voidPendingVerifications } from './email-verification'
import { generateLinkToken, hasTokenShape, hashSecret } from './tokens'

/**
 * Password reset (checklist 21; Copenhagen password-reset): a 160-bit token, only its SHA-256 stored, valid
 * one hour, single-use; a new request invalidates older tokens. The reset itself — token deletion,
 * new hash, email marked verified (the mail proved ownership), a new security stamp, every session and every
 * pending email change or verification gone, the account's API keys ended (`endCredentials`, checklist
 * 35) — is one transaction.
 */
export const RESET_TTL_MINUTES = 60

export async function createPasswordResetToken(db: Database, userId: string, now: Date): Promise<{ token: string; expiresAt: Date }> {
  const token = generateLinkToken()
  const expiresAt = new Date(now.getTime() + RESET_TTL_MINUTES * 60_000)
  await db.transaction(async (tx) => {
    await tx.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, userId))
    await tx.insert(passwordResetTokens).values({ userId, tokenHash: hashSecret(token), expiresAt, createdAt: now })
  })
  return { token, expiresAt }
}

export async function findValidResetToken(db: Database, token: string, now: Date): Promise<{ userId: string } | null> {
  if (!hasTokenShape(token)) return null
  const [row] = await db
    .select({ userId: passwordResetTokens.userId })
    .from(passwordResetTokens)
    .where(and(eq(passwordResetTokens.tokenHash, hashSecret(token)), gt(passwordResetTokens.expiresAt, now)))
    .limit(1)
  return row ?? null
}

/** Returns the user id, or null when the token is unknown, expired or already used. */
export async function resetPasswordWithToken(db: Database, token: string, newPasswordHash: string, now: Date, endCredentials?: EndCredentials): Promise<string | null> {
  if (!hasTokenShape(token)) return null
  return db.transaction(async (tx) => {
    const [consumed] = await tx
      .delete(passwordResetTokens)
      .where(and(eq(passwordResetTokens.tokenHash, hashSecret(token)), gt(passwordResetTokens.expiresAt, now)))
      .returning({ userId: passwordResetTokens.userId })
    if (consumed === undefined) return null
    const userId = consumed.userId
    await tx.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, userId))
    await tx
      .update(users)
      .set({ passwordHash: newPasswordHash, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now})`, securityStamp: sql`gen_random_uuid()`, updatedAt: now })
      .where(eq(users.id, userId))
    await tx.delete(sessions).where(eq(sessions.userId, userId))
    // A pending email change requested before the reset (perhaps by whoever held the account) dies here.
    await voidPendingVerifications(tx, userId)
    // API keys and any other derived credential end in the same transaction (checklist 35).
    await endCredentials?.(tx as unknown as Database, userId, now)
    return userId
  })
}
