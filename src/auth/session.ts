import { constantTimeEqual } from '@oslojs/crypto/subtle'
import { sha256 } from '@oslojs/crypto/sha2'
import { decodeHex, encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding'
import { and, eq, gt } from 'drizzle-orm'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { Database } from '../platform/db'
import type { AppContext } from '../platform/types'
import { sessions, users, type SessionRow, type User } from './schema'

/**
 * Sessions in the design of lucia `code/auth_session.ts` (ADR 0021):
 * - token = `<id>.<secret>`, id 120 bits and secret 160 bits from the CSPRNG (checklist 6, ASVS 7.2.3);
 * - only SHA-256(secret) is stored and compared in constant time (checklist 5, 7);
 * - idle expiry of 7 days slides forward on use, capped at 30 days after creation (checklist 10,
 *   ASVS 7.3.1/7.3.2);
 * - a new session on every login and step-up; the token is only ever read from the cookie (checklist 8).
 */
export const IDLE_TIMEOUT_MS = 7 * 24 * 60 * 60 * 1000
export const ABSOLUTE_TIMEOUT_MS = 30 * 24 * 60 * 60 * 1000
// Writing lastSeenAt on every request would make every page a DB write; an hour is precise enough for
// the sessions list and keeps the idle window honest.
export const TOUCH_INTERVAL_MS = 60 * 60 * 1000
// An admin acting as a user (src/auth/impersonation.ts) gets half an hour, then signs in again (issue 13).
export const IMPERSONATION_MAX_MS = 30 * 60 * 1000

export function generateSecureRandomString(bytes: number): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(bytes)))
}

export function hashSecret(secret: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)))
}

export async function createSession(
  db: Database,
  userId: string,
  meta: { userAgent?: string; ipAddress?: string } = {},
  now: Date = new Date(),
): Promise<{ token: string; session: SessionRow }> {
  const id = generateSecureRandomString(15)
  const secret = generateSecureRandomString(20)
  const [session] = await db
    .insert(sessions)
    .values({
      id,
      secretHash: hashSecret(secret),
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + IDLE_TIMEOUT_MS),
      userAgent: (meta.userAgent ?? '').slice(0, 300),
      ipAddress: (meta.ipAddress ?? '').slice(0, 64),
    })
    .returning()
  return { token: `${id}.${secret}`, session: session! }
}

export async function validateSessionToken(db: Database, token: string, now: Date = new Date()): Promise<SessionValidationResult> {
  const parts = token.split('.')
  if (parts.length !== 2 || !/^[a-z2-7]{24}$/.test(parts[0]!) || !/^[a-z2-7]{32}$/.test(parts[1]!)) return { session: null, user: null }
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(sessions.userId, users.id))
    .where(eq(sessions.id, parts[0]!))
    .limit(1)
  if (row === undefined) return { session: null, user: null }
  if (!constantTimeEqual(decodeHex(hashSecret(parts[1]!)), decodeHex(row.session.secretHash))) return { session: null, user: null }
  const absoluteEnd = row.session.createdAt.getTime() + (row.session.impersonatorId ? IMPERSONATION_MAX_MS : ABSOLUTE_TIMEOUT_MS)
  // A deactivated account's sessions are deleted when it is deactivated; this catches any made in a race.
  if (now.getTime() >= row.session.expiresAt.getTime() || now.getTime() >= absoluteEnd || row.user.deactivatedAt !== null) {
    await db.delete(sessions).where(eq(sessions.id, row.session.id))
    return { session: null, user: null }
  }
  let session = row.session
  if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
    const expiresAt = new Date(Math.min(now.getTime() + IDLE_TIMEOUT_MS, absoluteEnd))
    await db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, session.id))
    session = { ...session, lastSeenAt: now, expiresAt }
  }
  return { session, user: row.user }
}

export async function invalidateSession(db: Database, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId))
}

// Password change/reset, email verification, account deletion: every session goes (checklist 3, 12, 21, 22).
export async function invalidateUserSessions(db: Database, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId))
}

export async function listUserSessions(db: Database, userId: string, now: Date = new Date()): Promise<SessionRow[]> {
  return db.select().from(sessions).where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now))).orderBy(sessions.lastSeenAt)
}

// Scoped to the owner: another user's session id simply matches nothing (checklist 34, no IDOR).
export async function revokeUserSession(db: Database, userId: string, sessionId: string): Promise<boolean> {
  const deleted = await db.delete(sessions).where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId))).returning({ id: sessions.id })
  return deleted.length > 0
}

// `__Host-` in production pins the cookie to our origin over HTTPS (checklist 9, ASVS 3.3.1–3.3.4). Local
// http://127.0.0.1 cannot set Secure cookies in every browser, so development and tests use `session`.
export function sessionCookieName(env: Pick<Env, 'ENVIRONMENT'>): string {
  return env.ENVIRONMENT === 'production' ? '__Host-session' : 'session'
}

export function setSessionCookie(c: AppContext, token: string, expiresAt: Date, now: Date = new Date()): void {
  const production = c.env.ENVIRONMENT === 'production'
  setCookie(c, sessionCookieName(c.env), token, {
    httpOnly: true,
    secure: production,
    sameSite: 'Lax',
    path: '/',
    maxAge: Math.max(0, Math.round((expiresAt.getTime() - now.getTime()) / 1000)),
  })
}

export function deleteSessionCookie(c: AppContext): void {
  deleteCookie(c, sessionCookieName(c.env), { path: '/', secure: c.env.ENVIRONMENT === 'production' })
}

export function readSessionCookie(c: AppContext): string | undefined {
  return getCookie(c, sessionCookieName(c.env))
}

export type SessionValidationResult = { session: SessionRow; user: User } | { session: null; user: null }
