import { and, count, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm'
import { prepareOnce, type Database } from '../platform/db'
import type { Config } from '../platform/env'
import { recoveryCodes, totpCredentials } from './schema'
import { decryptTotpKey, encryptTotpKey, totpEncryptionKey } from './two-factor-keys'
import { generateRecoveryCodes, generateTotpKey, hashRecoveryCode, isRecoveryCodeShape, isTotpCodeShape, matchTotpStep } from './two-factor-codes'

/**
 * Two-factor codes of an account (issue 22, docs/auth.md#two-factor): enrolment, the code check with its
 * replay rule, recovery codes and turning it off. The routes decide who may call these (re-authentication,
 * no impersonation); these keep the rules that must hold under concurrency in single statements.
 */
type KeyConfig = Pick<Config, 'TOTP_ENCRYPTION_KEY' | 'isProduction'>
export type SecondFactorUsed = 'totp' | 'recovery_code'

export interface TwoFactorState {
  enabledAt: Date | null
  recoveryCodesLeft: number
}

// Built once per isolate (issue 23): /settings reads both on every view.
const totpOfUser = prepareOnce<{ enabledAt: Date | null }>('totp_of_user', (db) =>
  db.select({ enabledAt: totpCredentials.enabledAt }).from(totpCredentials).where(eq(totpCredentials.userId, sql.placeholder('userId'))).limit(1))
const recoveryCodesLeftOf = prepareOnce<{ n: number }>('recovery_codes_left_of_user', (db) =>
  db.select({ n: count() }).from(recoveryCodes).where(and(eq(recoveryCodes.userId, sql.placeholder('userId')), isNull(recoveryCodes.usedAt))))

export async function getTwoFactorState(db: Database, userId: string): Promise<TwoFactorState> {
  const [[credential], [codes]] = await Promise.all([totpOfUser(db, { userId }), recoveryCodesLeftOf(db, { userId })])
  return { enabledAt: credential?.enabledAt ?? null, recoveryCodesLeft: codes?.n ?? 0 }
}

/**
 * Starts (or restarts) enrolment: a new key stored encrypted with enabledAt null. Refused (null) while
 * two-factor is on: a second enrolment must not replace a working key without turning it off first.
 */
export async function startTotpEnrolment(db: Database, config: KeyConfig, userId: string, now: Date): Promise<Uint8Array | null> {
  const key = generateTotpKey()
  const encryptedKey = await encryptTotpKey(key, userId, totpEncryptionKey(config))
  const rows = await db.insert(totpCredentials).values({ userId, encryptedKey, createdAt: now })
    .onConflictDoUpdate({ target: totpCredentials.userId, set: { encryptedKey, lastUsedStep: null, createdAt: now }, setWhere: isNull(totpCredentials.enabledAt) })
    .returning({ userId: totpCredentials.userId })
  return rows.length === 1 ? key : null
}

/** The key of an enrolment not confirmed yet (for the QR page), or null. */
export async function readEnrolmentKey(db: Database, config: KeyConfig, userId: string): Promise<Uint8Array | null> {
  const [row] = await db.select({ encryptedKey: totpCredentials.encryptedKey }).from(totpCredentials)
    .where(and(eq(totpCredentials.userId, userId), isNull(totpCredentials.enabledAt))).limit(1)
  return row ? decryptTotpKey(row.encryptedKey, userId, totpEncryptionKey(config)) : null
}

/**
 * Finishes enrolment when `code` is a current code of the pending key: enabledAt set, the step recorded
 * (that code cannot sign in afterwards) and ten fresh recovery codes, returned to be shown once. Null
 * when the code is wrong or there is no pending enrolment.
 */
export async function confirmTotpEnrolment(db: Database, config: KeyConfig, userId: string, code: string, now: Date): Promise<string[] | null> {
  const key = await readEnrolmentKey(db, config, userId)
  const step = key ? matchTotpStep(key, code, now, null) : null
  if (step === null) return null
  return db.transaction(async (tx) => {
    const enabled = await tx.update(totpCredentials).set({ enabledAt: now, lastUsedStep: step })
      .where(and(eq(totpCredentials.userId, userId), isNull(totpCredentials.enabledAt))).returning({ userId: totpCredentials.userId })
    if (enabled.length === 0) return null
    return writeRecoveryCodes(tx as unknown as Database, userId, now)
  })
}

async function writeRecoveryCodes(db: Database, userId: string, now: Date): Promise<string[]> {
  const codes = generateRecoveryCodes()
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId))
  await db.insert(recoveryCodes).values(codes.map((code) => ({ userId, codeHash: hashRecoveryCode(code), createdAt: now })))
  return codes
}

/** New recovery codes replace every old one (used or not); null when two-factor is off. */
export async function regenerateRecoveryCodes(db: Database, userId: string, now: Date): Promise<string[] | null> {
  return db.transaction(async (tx) => {
    const [on] = await tx.select({ userId: totpCredentials.userId }).from(totpCredentials)
      .where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.enabledAt))).for('update').limit(1)
    return on ? writeRecoveryCodes(tx as unknown as Database, userId, now) : null
  })
}

/**
 * Accepts a current authenticator code once: the step is written only if it is later than the last one
 * accepted, in one UPDATE, so the same code sent twice at once signs in once (replay).
 */
export async function useTotpCode(db: Database, config: KeyConfig, userId: string, code: string, now: Date): Promise<boolean> {
  const [row] = await db.select({ encryptedKey: totpCredentials.encryptedKey, lastUsedStep: totpCredentials.lastUsedStep }).from(totpCredentials)
    .where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.enabledAt))).limit(1)
  if (!row) return false
  const step = matchTotpStep(await decryptTotpKey(row.encryptedKey, userId, totpEncryptionKey(config)), code, now, row.lastUsedStep)
  if (step === null) return false
  const taken = await db.update(totpCredentials).set({ lastUsedStep: step })
    .where(and(eq(totpCredentials.userId, userId), or(isNull(totpCredentials.lastUsedStep), lt(totpCredentials.lastUsedStep, step))))
    .returning({ userId: totpCredentials.userId })
  return taken.length === 1
}

/** Spends a recovery code: one UPDATE … WHERE used_at IS NULL, so of two concurrent uses only one wins. */
export async function useRecoveryCode(db: Database, userId: string, input: string, now: Date): Promise<boolean> {
  if (!isRecoveryCodeShape(input)) return false
  const spent = await db.update(recoveryCodes).set({ usedAt: now })
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, hashRecoveryCode(input)), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id })
  return spent.length === 1
}

/** Either kind of code, told apart by shape (six digits or a recovery code); null when neither passes. */
export async function useSecondFactor(db: Database, config: KeyConfig, userId: string, input: string, now: Date): Promise<SecondFactorUsed | null> {
  const code = input.trim()
  if (isTotpCodeShape(code)) return (await useTotpCode(db, config, userId, code, now)) ? 'totp' : null
  return (await useRecoveryCode(db, userId, code, now)) ? 'recovery_code' : null
}

/** Turns two-factor off: the key and every recovery code go. */
export async function disableTwoFactor(db: Database, userId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const removed = await tx.delete(totpCredentials).where(eq(totpCredentials.userId, userId)).returning({ enabledAt: totpCredentials.enabledAt })
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId))
    return removed.some((r) => r.enabledAt !== null)
  })
}
