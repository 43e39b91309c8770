import { and, asc, count, desc, eq, isNull, sql } from 'drizzle-orm'
import { sha256 } from '@oslojs/crypto/sha2'
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding'
import { constantTimeEqual } from '@oslojs/crypto/subtle'
import type { Database } from '../platform/db'
import { apiKeys, type ApiKey } from './schema'

/**
 * API keys: `qs_<prefix>_<secret>`. The prefix (8 chars, public) identifies the key in lists and logs and
 * finds its row; only SHA-256 of the 32-char secret (160 bits) is stored (checklist 7: a dump cannot be
 * replayed). The whole key is shown once, in the response that created it.
 */
export const API_KEY_NAME_MAX = 60
export const MAX_ACTIVE_KEYS = 10
// Writing last_used_at on every call would make every API request a write; a minute is precise enough.
export const LAST_USED_PRECISION_MS = 60_000

const KEY_PATTERN = /^qs_([a-z2-7]{8})_([a-z2-7]{32})$/

function randomToken(bytes: number): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(bytes)))
}

function hashSecret(secret: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)))
}

export type CreateKeyResult = { ok: true; key: string; row: ApiKey } | { ok: false; reason: 'too-many' }

export async function createApiKey(db: Database, userId: string, name: string, now: Date): Promise<CreateKeyResult> {
  const [{ active }] = await db.select({ active: count() }).from(apiKeys).where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
  if (active >= MAX_ACTIVE_KEYS) return { ok: false, reason: 'too-many' }
  const prefix = randomToken(5)
  const secret = randomToken(20)
  const [row] = await db.insert(apiKeys).values({ userId, name, prefix, secretHash: hashSecret(secret), createdAt: now }).returning()
  return { ok: true, key: `qs_${prefix}_${secret}`, row }
}

/**
 * How many keys the settings list shows (issue 19, item 13). Active keys are capped at MAX_ACTIVE_KEYS,
 * but revoked ones pile up (every password change revokes all): the list shows every active key and the
 * most recently revoked ones up to this bound, and says how many older revoked keys it leaves out.
 */
export const API_KEYS_SHOWN = 30

export interface ApiKeyList {
  keys: ApiKey[]
  /** Keys not shown: the oldest revoked ones. */
  hidden: number
}

/**
 * Newest first would hide the key someone is looking for: active keys in creation order, then revoked
 * ones, latest revoked first. One query: the window count is the total before the LIMIT.
 */
export async function listApiKeys(db: Database, userId: string, limit = API_KEYS_SHOWN): Promise<ApiKeyList> {
  const rows = await db.select({ key: apiKeys, total: sql<number>`count(*) over ()`.mapWith(Number) }).from(apiKeys)
    .where(eq(apiKeys.userId, userId))
    .orderBy(sql`${apiKeys.revokedAt} is not null`, desc(apiKeys.revokedAt), asc(apiKeys.createdAt))
    .limit(limit)
  return { keys: rows.map((r) => r.key), hidden: rows.length === 0 ? 0 : rows[0].total - rows.length }
}

/** Only the owner's own, still active key; false for anything else (someone else's id looks missing). */
export async function revokeApiKey(db: Database, userId: string, keyId: string, now: Date): Promise<ApiKey | null> {
  if (!/^[0-9a-f-]{36}$/i.test(keyId)) return null
  const [row] = await db.update(apiKeys).set({ revokedAt: now })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .returning()
  return row ?? null
}

/**
 * Every still active key of the account, revoked at `now` (a password change or reset, a deactivation:
 * checklist 35, ADR 0083). Revoked, not deleted: the owner's list shows what stopped and when, and a
 * reactivated account does not get its old keys back. Returns the keys it revoked.
 */
export async function revokeAllApiKeys(db: Database, userId: string, now: Date): Promise<ApiKey[]> {
  return db.update(apiKeys).set({ revokedAt: now })
    .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .returning()
}

export interface ApiCaller {
  keyId: string
  userId: string
  prefix: string
}

/** The key's owner, or null for a malformed, unknown or revoked key. Records the use (a minute precise). */
export async function verifyApiKey(db: Database, token: string, now: Date): Promise<ApiCaller | null> {
  const match = KEY_PATTERN.exec(token)
  if (!match) return null
  const [, prefix, secret] = match
  const [row] = await db.select({ id: apiKeys.id, userId: apiKeys.userId, secretHash: apiKeys.secretHash, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys).where(and(eq(apiKeys.prefix, prefix), isNull(apiKeys.revokedAt)))
  if (!row) return null
  const enc = new TextEncoder()
  if (!constantTimeEqual(enc.encode(hashSecret(secret)), enc.encode(row.secretHash))) return null
  if (row.lastUsedAt === null || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) {
    await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id))
  }
  return { keyId: row.id, userId: row.userId, prefix }
}

/** How a key is shown after creation: its public prefix only. */
export function maskedKey(prefix: string): string {
  return `qs_${prefix}_…`
}
