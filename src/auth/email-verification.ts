import { and, eq, gt, sql } from 'drizzle-orm'
import { prepareOnce, type Database, type DatabaseOrTransaction } from '../platform/db'
import { emailVerifications, passwordResetTokens, users } from './schema'
import { generateLinkToken, hasTokenShape, hashSecret, secretMatchesHash } from './tokens'

/**
 * Email verification (checklist 19, 22; ADR 0022). One pending record per user, bound to the user and to
 * the address it was sent to. The mail carries an 8-digit code (CSPRNG, rejection-sampled so every code is
 * equally likely) and a link token of 160 bits; only their SHA-256 is stored. Both expire after
 * 10 minutes (ASVS 6.5.5) and die together on first use.
 */
export const VERIFICATION_TTL_MINUTES = 10

export function generateVerificationCode(): string {
  const buf = new Uint32Array(1)
  // 4,200,000,000 is the largest multiple of 10^8 below 2^32: values above it would bias low codes.
  do crypto.getRandomValues(buf)
  while (buf[0]! >= 4_200_000_000)
  return String(buf[0]! % 100_000_000).padStart(8, '0')
}

// The code is hashed together with the record's user id so equal codes of two users never collide.
function codeSecret(userId: string, code: string): string {
  return `${userId}:${code}`
}

export async function createEmailVerification(db: Database, userId: string, email: string, now: Date) {
  const code = generateVerificationCode()
  const token = generateLinkToken()
  const expiresAt = new Date(now.getTime() + VERIFICATION_TTL_MINUTES * 60_000)
  // The account's security stamp at request time, read in the same statement: the proof is bound to it.
  const securityStamp = sql<string>`(select ${users.securityStamp} from ${users} where ${users.id} = ${userId})`
  const values = { userId, email, codeHash: hashSecret(codeSecret(userId, code)), tokenHash: hashSecret(token), securityStamp, expiresAt, createdAt: now }
  // A new request replaces the previous one: only the latest mail works.
  await db.insert(emailVerifications).values(values).onConflictDoUpdate({ target: emailVerifications.userId, set: values })
  return { code, token, expiresAt }
}

// Built once per isolate (issue 23): /settings reads it on every view.
const pendingOfUser = prepareOnce<typeof emailVerifications.$inferSelect>('pending_verification_of_user', (db) =>
  db.select().from(emailVerifications).where(eq(emailVerifications.userId, sql.placeholder('userId'))).limit(1))

export async function getPendingVerification(db: Database, userId: string) {
  const [row] = await pendingOfUser(db, { userId })
  return row ?? null
}

export type VerificationCheck = { ok: true; userId: string; email: string } | { ok: false; reason: 'invalid' | 'expired' }

export async function checkVerificationCode(db: Database, userId: string, code: string, now: Date): Promise<VerificationCheck> {
  const row = await getPendingVerification(db, userId)
  if (row === null || !/^\d{8}$/.test(code)) return { ok: false, reason: 'invalid' }
  if (!secretMatchesHash(codeSecret(userId, code), row.codeHash)) return { ok: false, reason: 'invalid' }
  if (now >= row.expiresAt) return { ok: false, reason: 'expired' }
  return { ok: true, userId, email: row.email }
}

export async function checkVerificationToken(db: Database, token: string, now: Date): Promise<VerificationCheck> {
  if (!hasTokenShape(token)) return { ok: false, reason: 'invalid' }
  const [row] = await db.select().from(emailVerifications).where(eq(emailVerifications.tokenHash, hashSecret(token))).limit(1)
  if (row === undefined) return { ok: false, reason: 'invalid' }
  if (now >= row.expiresAt) return { ok: false, reason: 'expired' }
  return { ok: true, userId: row.userId, email: row.email }
}

export type ApplyResult = { ok: true; previousEmail: string | null } | { ok: false; reason: 'used' | 'taken' }

/**
 * Consumes the record and marks the address verified. The DELETE … RETURNING makes it single-use even under
 * concurrent submissions. For an email change the new address replaces the old one (previousEmail is
 * returned so the caller can notify it — checklist 11).
 *
 * The record must carry the account's current security stamp (issue 9, finding 1; ADR 0025): a password
 * change or reset since the request rotated it, so a link mailed before that no longer moves the account.
 * An email change rotates the stamp in turn and kills reset links mailed to the old address.
 */
export async function applyEmailVerification(db: Database, userId: string, email: string, now: Date): Promise<ApplyResult> {
  return db.transaction(async (tx) => {
    // The user row is locked first, so a concurrent password reset cannot slip between the check and the swap.
    const [user] = await tx.select({ email: users.email, securityStamp: users.securityStamp }).from(users).where(eq(users.id, userId)).for('update')
    if (user === undefined) return { ok: false, reason: 'used' } as const
    const consumed = await tx
      .delete(emailVerifications)
      .where(and(
        eq(emailVerifications.userId, userId), eq(emailVerifications.email, email), gt(emailVerifications.expiresAt, now),
        eq(emailVerifications.securityStamp, user.securityStamp),
      ))
      .returning({ id: emailVerifications.id })
    if (consumed.length === 0) return { ok: false, reason: 'used' } as const
    if (user.email === email) {
      await tx.update(users).set({ emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now})`, updatedAt: now }).where(eq(users.id, userId))
      return { ok: true, previousEmail: null } as const
    }
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1)
    if (taken !== undefined) return { ok: false, reason: 'taken' } as const
    await tx.update(users).set({ email, emailVerifiedAt: now, securityStamp: sql`gen_random_uuid()`, updatedAt: now }).where(eq(users.id, userId))
    await tx.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, userId))
    return { ok: true, previousEmail: user.email } as const
  })
}

/**
 * Part of every credential change (password change or reset), inside its transaction: a new security
 * stamp and no pending email change or verification left (issue 9, finding 1). The account owner who
 * just proved control decides anew; nothing requested before survives.
 */
export async function voidPendingVerifications(tx: DatabaseOrTransaction, userId: string): Promise<void> {
  await tx.delete(emailVerifications).where(eq(emailVerifications.userId, userId))
}
