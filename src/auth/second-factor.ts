import { and, eq, gt } from 'drizzle-orm'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { Database } from '../platform/db'
import { redirectAfterPost } from '../platform/forms'
import { configOf, type AppContext } from '../platform/types'
import { pendingSignIns, users, type User } from './schema'
import type { SignInMethod } from './session'
import { generateLinkToken, hashSecret, hasTokenShape } from './tokens'

/**
 * The step between the first factor and the session when two-factor codes are on (issue 22): a pending
 * sign-in row (only the token's SHA-256 stored, like sessions: checklist 5, 7) and a short-lived HttpOnly
 * cookie holding the token. No session exists until the code step passes, so nothing behind the guards is
 * reachable with the password alone.
 */
export const PENDING_SIGN_IN_MS = 10 * 60 * 1000
export const SECOND_FACTOR_PATH = '/login/two-factor'

export function pendingCookieName(config: { isProduction: boolean }): string {
  return config.isProduction ? '__Host-pending_sign_in' : 'pending_sign_in'
}

export async function beginSecondFactor(c: AppContext, user: Pick<User, 'id'>, method: SignInMethod, next: string, now: Date): Promise<Response> {
  const token = generateLinkToken()
  const db = c.get('db')
  // One pending sign-in per account at a time: a new first factor replaces an older half-done one.
  await db.delete(pendingSignIns).where(eq(pendingSignIns.userId, user.id))
  await db.insert(pendingSignIns).values({ tokenHash: hashSecret(token), userId: user.id, signInMethod: method, next, expiresAt: new Date(now.getTime() + PENDING_SIGN_IN_MS), createdAt: now })
  const config = configOf(c)
  setCookie(c, pendingCookieName(config), token, { httpOnly: true, secure: config.isProduction, sameSite: 'Lax', path: '/', maxAge: PENDING_SIGN_IN_MS / 1000 })
  return redirectAfterPost(c, SECOND_FACTOR_PATH)
}

export type PendingSignIn = typeof pendingSignIns.$inferSelect

/** The live pending sign-in this browser holds, with its account; null when none or expired. */
export async function readPendingSignIn(c: AppContext, db: Database, now: Date): Promise<{ pending: PendingSignIn; user: User } | null> {
  const token = getCookie(c, pendingCookieName(configOf(c)))
  if (!hasTokenShape(token)) return null
  const [row] = await db.select({ pending: pendingSignIns, user: users }).from(pendingSignIns)
    .innerJoin(users, eq(users.id, pendingSignIns.userId))
    .where(and(eq(pendingSignIns.tokenHash, hashSecret(token)), gt(pendingSignIns.expiresAt, now))).limit(1)
  return row ?? null
}

/** Ends the pending sign-in (used, given up, or too many wrong codes): row and cookie. */
export async function endPendingSignIn(c: AppContext, db: Database, id: string): Promise<void> {
  await db.delete(pendingSignIns).where(eq(pendingSignIns.id, id))
  deleteCookie(c, pendingCookieName(configOf(c)), { path: '/', secure: configOf(c).isProduction })
}
