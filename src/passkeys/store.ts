import { and, asc, count, eq, sql } from 'drizzle-orm'
import { prepareOnce, type Database } from '../platform/db'
import type { SignInMethodSource } from '../platform/feature'
import { passkeys, webauthnChallenges } from './schema'

export type Passkey = typeof passkeys.$inferSelect

export const PASSKEY_NAME_MAX = 64

/** One bucket for every change a person makes to their passkeys (json.ts CHANGE_LIMIT). */
export const changeThrottleKey = (userId: string) => `passkey-change:${userId}`

/** A name people can tell apart in the list; empty means the default. */
export function cleanPasskeyName(value: unknown): { ok: true; name: string } | { ok: false; message: string } {
  const name = typeof value === 'string' ? value.trim() : ''
  if (name === '') return { ok: true, name: 'Passkey' }
  if ([...name].length > PASSKEY_NAME_MAX) return { ok: false, message: `A passkey name is at most ${PASSKEY_NAME_MAX} characters.` }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return { ok: false, message: 'A passkey name cannot contain control characters.' }
  return { ok: true, name }
}

// Built once per isolate (issue 23): /settings lists them on every view.
const passkeysOfUser = prepareOnce<Passkey>('passkeys_of_user', (db) =>
  db.select().from(passkeys).where(eq(passkeys.userId, sql.placeholder('userId'))).orderBy(asc(passkeys.createdAt)))

export function listPasskeys(db: Database, userId: string): Promise<Passkey[]> {
  return passkeysOfUser(db, { userId })
}

export async function getPasskey(db: Database, id: string): Promise<Passkey | null> {
  const [row] = await db.select().from(passkeys).where(eq(passkeys.id, id)).limit(1)
  return row ?? null
}

/** Stores a verified credential; false when that credential id is already registered (to anyone). */
export async function insertPasskey(db: Database, row: typeof passkeys.$inferInsert): Promise<boolean> {
  const inserted = await db.insert(passkeys).values(row).onConflictDoNothing().returning({ id: passkeys.id })
  return inserted.length === 1
}

export async function renamePasskey(db: Database, userId: string, id: string, name: string): Promise<boolean> {
  const rows = await db.update(passkeys).set({ name }).where(and(eq(passkeys.id, id), eq(passkeys.userId, userId))).returning({ id: passkeys.id })
  return rows.length === 1
}

export async function deletePasskey(db: Database, userId: string, id: string): Promise<Passkey | null> {
  const [row] = await db.delete(passkeys).where(and(eq(passkeys.id, id), eq(passkeys.userId, userId))).returning()
  return row ?? null
}

/** After a verified sign-in: the new counter and when it was used (the settings list shows it). */
export async function recordPasskeyUse(db: Database, id: string, counter: number, now: Date): Promise<void> {
  await db.update(passkeys).set({ counter, lastUsedAt: now }).where(eq(passkeys.id, id))
}

/** Passkeys as ways to sign in (the registry's `signInMethods`): one each. */
export const passkeySignInMethod: SignInMethodSource = {
  id: 'passkey',
  count: async (db, userId) => {
    const [row] = await db.select({ n: count() }).from(passkeys).where(eq(passkeys.userId, userId))
    return row?.n ?? 0
  },
}

/** Account deletion (ADR 0084): idempotent, a second run finds nothing. */
export async function deletePasskeyData(db: Database, user: { id: string }): Promise<void> {
  await db.delete(passkeys).where(eq(passkeys.userId, user.id))
  await db.delete(webauthnChallenges).where(eq(webauthnChallenges.userId, user.id))
}
