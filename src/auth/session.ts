import { and, eq, gt, ne, sql } from 'drizzle-orm'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { prepareOnce, type Database } from '../platform/db'
import type { PersonRef } from '../platform/admin-ui'
import type { Config } from '../platform/env'
import type { ViewerField } from '../platform/feature'
import { clientIp } from '../platform/forms'
import { configOf, type AppContext } from '../platform/types'
import { personFields } from './people'
import { sessions, users, type SessionRow, type User } from './schema'
import { generateSecureRandomString, hasTokenShape, hashSecret, LINK_TOKEN_BYTES, secretMatchesHash, SESSION_ID_BYTES } from './tokens'

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

/** How a session signed in, stored on it and shown in the sessions list (issue 22). */
export type SignInMethod = 'password' | 'passkey' | 'github' | 'google' | 'impersonation'
export type SecondFactor = 'totp' | 'recovery_code'

export async function createSession(
  db: Database,
  userId: string,
  meta: { userAgent?: string; ipAddress?: string; signInMethod?: SignInMethod; secondFactor?: SecondFactor | null },
  now: Date,
): Promise<{ token: string; session: SessionRow }> {
  const id = generateSecureRandomString(SESSION_ID_BYTES)
  const secret = generateSecureRandomString(LINK_TOKEN_BYTES)
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
      signInMethod: meta.signInMethod ?? 'password',
      secondFactor: meta.secondFactor ?? null,
    })
    .returning()
  return { token: `${id}.${secret}`, session: session! }
}

export interface ValidateSessionOptions {
  /** Columns features add to the viewer (`Feature.viewerFields`), read in the same query. */
  viewerFields?: Record<string, ViewerField>
  /**
   * Where the writes that need not delay the page go (the sliding-expiry touch, deleting an expired row):
   * `executionCtx.waitUntil` in a request. Without it they are awaited.
   */
  defer?: (work: Promise<unknown>) => void
}

/**
 * One round trip on the request path (issue 8): the session, its user and any viewer fields in one query.
 * The writes it may cause (sliding the idle expiry, removing an expired row) go through `defer`, after the
 * page, when the caller gives one: their result changes nothing the page shows.
 */
export async function validateSessionToken(
  db: Database,
  token: string,
  now: Date,
  options: ValidateSessionOptions = {},
): Promise<SessionValidationResult> {
  const parts = token.split('.')
  if (parts.length !== 2 || !hasTokenShape(parts[0], SESSION_ID_BYTES) || !hasTokenShape(parts[1], LINK_TOKEN_BYTES)) return { session: null, user: null }
  const [row] = await sessionLookup(options.viewerFields)(db, { id: parts[0]! })
  if (row === undefined) return { session: null, user: null }
  if (!secretMatchesHash(parts[1]!, row.session.secretHash)) return { session: null, user: null }
  const later = (work: Promise<unknown>) => (options.defer ? options.defer(work) : work)
  const absoluteEnd = row.session.createdAt.getTime() + (row.session.impersonatorId ? IMPERSONATION_MAX_MS : ABSOLUTE_TIMEOUT_MS)
  const expired = now.getTime() >= row.session.expiresAt.getTime() || now.getTime() >= absoluteEnd
  // A deactivated account's sessions are deleted when it is deactivated; this catches any made in a race.
  // Likewise an impersonation of someone who is an admin now (promoted by any path: issue 19, finding 6).
  // And an account being deleted (ADR 0084): its sessions went with the mark; none is honoured after it.
  if (expired || row.user.deactivatedAt !== null || row.user.deletionRequestedAt !== null || (row.session.impersonatorId !== null && row.user.role === 'admin')) {
    // An impersonation that ran out stays for the nightly job, which records its end (endExpiredImpersonations).
    if (!(expired && row.session.impersonatorId !== null)) await later(db.delete(sessions).where(eq(sessions.id, row.session.id)).then(() => undefined))
    return { session: null, user: null }
  }
  let session = row.session
  if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
    const expiresAt = new Date(Math.min(now.getTime() + IDLE_TIMEOUT_MS, absoluteEnd))
    await later(db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, session.id)).then(() => undefined))
    session = { ...session, lastSeenAt: now, expiresAt }
  }
  const extras = (row as { extras?: Record<string, unknown> }).extras
  return extras ? { session, user: row.user, extras } : { session, user: row.user }
}

type LookupRow = { session: SessionRow; user: User; extras?: Record<string, unknown> }
const NO_FIELDS = {}
const lookups = new WeakMap<Record<string, ViewerField>, ReturnType<typeof prepareOnce<LookupRow>>>()

// The lookup's SQL, built once per isolate for each set of viewer fields (the registry's: one per app),
// not on every request (issue 23). Only the session id changes between requests.
function sessionLookup(viewerFields: Record<string, ViewerField> = NO_FIELDS) {
  let lookup = lookups.get(viewerFields)
  if (lookup === undefined) {
    const fields = Object.entries(viewerFields)
    lookup = prepareOnce<LookupRow>('session_lookup', (db) => {
      const selection = { session: sessions, user: users }
      // Drizzle cannot select an empty nested object, so `extras` is only there when a feature adds a field.
      if (fields.length > 0) Object.assign(selection, { extras: Object.fromEntries(fields.map(([name, field]) => [name, field(users.id)])) })
      return db.select(selection).from(sessions).innerJoin(users, eq(sessions.userId, users.id))
        .where(eq(sessions.id, sql.placeholder('id'))).limit(1)
    })
    lookups.set(viewerFields, lookup)
  }
  return lookup
}

export async function invalidateSession(db: Database, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId))
}

/**
 * Password change/reset, email verification, account deletion: every session goes (checklist 3, 12, 21, 22).
 * With `except`, every one but that (the one asking): "Sign out all other sessions" in settings, the option
 * ASVS 5.0 V7.4.3 asks for after a change to how an account signs in. Returns how many ended.
 */
export async function invalidateUserSessions(db: Database, userId: string, options: { except?: string } = {}): Promise<number> {
  const deleted = await db.delete(sessions)
    .where(and(eq(sessions.userId, userId), options.except === undefined ? undefined : ne(sessions.id, options.except)))
    .returning({ id: sessions.id })
  return deleted.length
}

/** A session as the lists show it; an impersonation names the admin behind it (issue 20: people, not ids). */
export type SessionListRow = SessionRow & { impersonator: PersonRef | null }

// Built once per isolate (issue 23): /settings runs it on every view. `now` is passed as ISO text, which is
// what drizzle itself sends for a timestamp (a placeholder's value skips the column's encoding).
const sessionsOfUser = prepareOnce<{ session: SessionRow; name: string | null; email: string | null }>('sessions_of_user', (db) => {
  const admin = personFields(sessions.impersonatorId)
  return db.select({ session: sessions, name: admin.name, email: admin.email }).from(sessions)
    .where(and(eq(sessions.userId, sql.placeholder('userId')), gt(sessions.expiresAt, sql.placeholder('now')))).orderBy(sessions.lastSeenAt)
})

export async function listUserSessions(db: Database, userId: string, now: Date): Promise<SessionListRow[]> {
  const rows = await sessionsOfUser(db, { userId, now: now.toISOString() })
  return rows.map((r) => ({ ...r.session, impersonator: r.session.impersonatorId ? { id: r.session.impersonatorId, name: r.name, email: r.email } : null }))
}

// Scoped to the owner: another user's session id simply matches nothing (checklist 34, no IDOR).
export async function revokeUserSession(db: Database, userId: string, sessionId: string): Promise<boolean> {
  const deleted = await db.delete(sessions).where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId))).returning({ id: sessions.id })
  return deleted.length > 0
}

// `__Host-` in production pins the cookie to our origin over HTTPS (checklist 9, ASVS 3.3.1–3.3.4). Local
// http://127.0.0.1 cannot set Secure cookies in every browser, so development and tests use `session`.
export function sessionCookieName(config: Pick<Config, 'isProduction'>): string {
  return config.isProduction ? '__Host-session' : 'session'
}

export function setSessionCookie(c: AppContext, token: string, expiresAt: Date, now: Date): void {
  const config = configOf(c)
  setCookie(c, sessionCookieName(config), token, {
    httpOnly: true,
    secure: config.isProduction,
    sameSite: 'Lax',
    path: '/',
    maxAge: Math.max(0, Math.round((expiresAt.getTime() - now.getTime()) / 1000)),
  })
}

export function deleteSessionCookie(c: AppContext): void {
  const config = configOf(c)
  deleteCookie(c, sessionCookieName(config), { path: '/', secure: config.isProduction })
}

export function readSessionCookie(c: AppContext): string | undefined {
  return getCookie(c, sessionCookieName(configOf(c)))
}

/**
 * Signs this browser in as `user`: a new session (never a reused one: checklist 8) and its cookie. Login,
 * sign-up, a password change and a verified email change all start one this way.
 */
export async function startSession(
  c: AppContext,
  user: Pick<User, 'id'>,
  now: Date,
  how: { signInMethod: SignInMethod; secondFactor?: SecondFactor | null } = { signInMethod: 'password' },
): Promise<SessionRow> {
  const { token, session } = await createSession(c.get('db'), user.id, { userAgent: c.req.header('user-agent'), ipAddress: clientIp(c), ...how }, now)
  setSessionCookie(c, token, session.expiresAt, now)
  return session
}

export type SessionValidationResult =
  | { session: SessionRow; user: User; extras?: Record<string, unknown> }
  | { session: null; user: null; extras?: undefined }
