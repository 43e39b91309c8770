import { and, count, desc, eq, gt, sql } from 'drizzle-orm'
import { sha256 } from '@oslojs/crypto/sha2'
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding'
import { prepareOnce, type Database } from '../platform/db'
import type { ProviderProfile } from './flow'
import type { ProviderId } from './providers'
import { oauthAccounts, oauthLinkRequests } from './schema'

export type OAuthAccount = typeof oauthAccounts.$inferSelect

// A link confirmation mailed to an existing account's address lives 30 minutes and works once (ADR 0099).
export const LINK_REQUEST_MINUTES = 30
const LINK_TOKEN_BYTES = 20

export async function findLinkedAccount(db: Database, provider: ProviderId, providerUserId: string): Promise<OAuthAccount | null> {
  const [row] = await db.select().from(oauthAccounts).where(and(eq(oauthAccounts.provider, provider), eq(oauthAccounts.providerUserId, providerUserId))).limit(1)
  return row ?? null
}

// Built once per isolate (issue 23): /settings lists them on every view.
const linkedAccountsOfUser = prepareOnce<OAuthAccount>('linked_accounts_of_user', (db) =>
  db.select().from(oauthAccounts).where(eq(oauthAccounts.userId, sql.placeholder('userId'))).orderBy(desc(oauthAccounts.createdAt)))

export async function listLinkedAccounts(db: Database, userId: string): Promise<OAuthAccount[]> {
  return linkedAccountsOfUser(db, { userId })
}

export async function countLinkedAccounts(db: Database, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(oauthAccounts).where(eq(oauthAccounts.userId, userId))
  return Number(row?.n ?? 0)
}

/**
 * Links a provider account to a user. False when either unique index refuses (the provider account is
 * someone else's, or the user already has one at this provider): the database decides, so two racing
 * callbacks cannot both link.
 */
export async function linkAccount(db: Database, userId: string, profile: ProviderProfile, now: Date): Promise<boolean> {
  const rows = await db
    .insert(oauthAccounts)
    .values({ userId, provider: profile.provider, providerUserId: profile.providerUserId, email: profile.email, emailVerified: profile.emailVerified, createdAt: now, lastUsedAt: now })
    .onConflictDoNothing()
    .returning({ id: oauthAccounts.id })
  return rows.length === 1
}

export async function unlinkAccount(db: Database, userId: string, provider: ProviderId): Promise<OAuthAccount | null> {
  const [row] = await db.delete(oauthAccounts).where(and(eq(oauthAccounts.userId, userId), eq(oauthAccounts.provider, provider))).returning()
  return row ?? null
}

/** A sign-in through a linked account: its last use, and the address the provider gives now. */
export async function touchLinkedAccount(db: Database, id: string, profile: ProviderProfile, now: Date): Promise<void> {
  await db.update(oauthAccounts).set({ lastUsedAt: now, email: profile.email, emailVerified: profile.emailVerified }).where(eq(oauthAccounts.id, id))
}

const hashToken = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)))

export function hasLinkTokenShape(value: unknown): value is string {
  return typeof value === 'string' && value.length === Math.ceil((LINK_TOKEN_BYTES * 8) / 5) && /^[a-z2-7]+$/.test(value)
}

/** Stores the hash of a fresh link token; returns the token for the mail. Older requests of the user die. */
export async function createLinkRequest(db: Database, userId: string, profile: ProviderProfile, now: Date): Promise<string> {
  const token = encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(LINK_TOKEN_BYTES)))
  const expiresAt = new Date(now.getTime() + LINK_REQUEST_MINUTES * 60_000)
  await db.delete(oauthLinkRequests).where(eq(oauthLinkRequests.userId, userId))
  await db.insert(oauthLinkRequests).values({ tokenHash: hashToken(token), userId, provider: profile.provider, providerUserId: profile.providerUserId, email: profile.email, expiresAt, createdAt: now })
  return token
}

export type LinkRequest = typeof oauthLinkRequests.$inferSelect

/** Looks a live request up without spending it (the confirmation page). */
export async function peekLinkRequest(db: Database, token: string, now: Date): Promise<LinkRequest | null> {
  const [row] = await db.select().from(oauthLinkRequests).where(and(eq(oauthLinkRequests.tokenHash, hashToken(token)), gt(oauthLinkRequests.expiresAt, now))).limit(1)
  return row ?? null
}

/** Spends a request: deleted in the same statement that reads it, so a second click finds nothing. */
export async function consumeLinkRequest(db: Database, token: string, now: Date): Promise<LinkRequest | null> {
  const [row] = await db.delete(oauthLinkRequests).where(eq(oauthLinkRequests.tokenHash, hashToken(token))).returning()
  return row && row.expiresAt.getTime() > now.getTime() ? row : null
}

/** Account deletion (registry accountCleanups): no provider account or pending request outlives the user. */
export async function deleteOAuthRows(db: Database, userId: string): Promise<void> {
  await Promise.all([db.delete(oauthAccounts).where(eq(oauthAccounts.userId, userId)), db.delete(oauthLinkRequests).where(eq(oauthLinkRequests.userId, userId))])
}
