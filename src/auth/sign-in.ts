import { and, eq, isNotNull } from 'drizzle-orm'
import type { Database } from '../platform/db'
import { redirectAfterPost } from '../platform/forms'
import type { Registry, SignInMethodSource } from '../platform/feature'
import type { AppContext } from '../platform/types'
import { recordAuthAudit } from './audit'
import { logAuthEvent } from './log'
import { totpCredentials, users, type User } from './schema'
import { beginSecondFactor } from './second-factor'
import { invalidateSession, startSession, type SecondFactor, type SignInMethod } from './session'

// Said only after the first factor passed, so they reveal nothing to someone guessing (issue 13).
export const ACCOUNT_DELETING = 'This account is being deleted. Its address can be used for a new account once that is done.'
export const ACCOUNT_DEACTIVATED = 'This account has been deactivated. Contact us through the contact page if you think this is a mistake.'

/** Why an account that proved who it is still may not sign in, by any method; null when it may. */
export function signInRefusal(user: Pick<User, 'deactivatedAt' | 'deletionRequestedAt'>): { reason: 'deactivated' | 'deleting'; message: string } | null {
  if (user.deactivatedAt !== null) return { reason: 'deactivated', message: ACCOUNT_DEACTIVATED }
  // Deletion under way (ADR 0084): the account is going and never signs in again.
  if (user.deletionRequestedAt !== null) return { reason: 'deleting', message: ACCOUNT_DELETING }
  return null
}

/** Whether the account has two-factor codes turned on (enrolment finished with a typed code). */
export async function isTwoFactorEnabled(db: Database, userId: string): Promise<boolean> {
  const [row] = await db.select({ userId: totpCredentials.userId }).from(totpCredentials)
    .where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.enabledAt))).limit(1)
  return row !== undefined
}

// A passkey is two factors in one (something held, unlocked by something known or biometric: WebAuthn
// user verification), so it skips the code; every other first factor is followed by it when enabled.
const METHODS_WITHOUT_SECOND_FACTOR: ReadonlySet<SignInMethod> = new Set(['passkey'])

/**
 * The one way every sign-in method ends (password, provider, passkey; issue 22): the caller has proved the
 * first factor and checked `signInRefusal`. With two-factor codes on, the browser is sent to the code step
 * (a pending sign-in, no session yet); otherwise a new session starts (session fixation defence,
 * checklist 8: whatever cookie came in is discarded) and the sign-in is logged and audited.
 */
export async function completeSignIn(c: AppContext, user: User, method: SignInMethod, next: string, now: Date): Promise<Response> {
  if (!METHODS_WITHOUT_SECOND_FACTOR.has(method) && (await isTwoFactorEnabled(c.get('db'), user.id))) {
    return beginSecondFactor(c, user, method, next, now)
  }
  return finishSignIn(c, user, { signInMethod: method, secondFactor: null }, next, now)
}

/** Starts the session once every factor the account needs has passed (the code step calls this too). */
export async function finishSignIn(
  c: AppContext,
  user: User,
  how: { signInMethod: SignInMethod; secondFactor: SecondFactor | null },
  next: string,
  now: Date,
): Promise<Response> {
  const previous = c.get('session')
  if (previous) await invalidateSession(c.get('db'), previous.id)
  await startSession(c, user, now, how)
  logAuthEvent(c, 'login.success', { userId: user.id, reason: how.secondFactor ? `${how.signInMethod}+${how.secondFactor}` : how.signInMethod })
  await recordAuthAudit(c, 'auth.login', { actorId: user.id, targetId: user.id, detail: { method: how.signInMethod, secondFactor: how.secondFactor } })
  return redirectAfterPost(c, next)
}

/** The password as a way to sign in (auth's `signInMethods` contribution): 1 when the account has one. */
export const passwordSignInMethod: SignInMethodSource = {
  id: 'password',
  count: async (db, userId) => {
    const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).limit(1)
    return row?.passwordHash ? 1 : 0
  },
}

/**
 * How many ways to sign in the account has over every feature's `signInMethods`. Removing one goes through
 * `removeSignInMethod`, which counts inside its transaction (issue 22: nobody is locked out).
 */
export async function countSignInMethods(registry: Pick<Registry, 'signInMethods'>, db: Database, userId: string): Promise<number> {
  const counts = await Promise.all(registry.signInMethods.map((source) => source.count(db, userId)))
  return counts.reduce((sum, n) => sum + n, 0)
}

/** What `removeSignInMethod` did: removed (with the removed row), refused as the last way in, or nothing to remove. */
export type SignInMethodRemoval<T> = { outcome: 'removed'; removed: T } | { outcome: 'last-way-in' } | { outcome: 'not-found' }

class KeepLastWayIn extends Error {}

/**
 * Removes one way to sign in (unlink a provider, delete a passkey) unless it was the account's last, as one
 * step (issue 22: nobody is locked out). The check and the delete share a transaction that first locks the
 * user's row, so two removals racing for an account's last two methods run one after the other and the
 * second counts what the first left: it is refused instead of both passing a count taken before either
 * delete. `remove` deletes with the transaction's handle and returns the removed row, or null when there
 * was nothing (already gone, or not this account's).
 */
export async function removeSignInMethod<T>(
  registry: Pick<Registry, 'signInMethods'>,
  db: Database,
  userId: string,
  remove: (tx: Database) => Promise<T | null>,
): Promise<SignInMethodRemoval<T>> {
  try {
    return await db.transaction(async (txRaw) => {
      // Services take a Database; a transaction runs the same queries on its one connection.
      const tx = txRaw as unknown as Database
      await txRaw.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update')
      const removed = await remove(tx)
      if (removed === null) return { outcome: 'not-found' as const }
      // Counted after the delete, in the same transaction: what is left must still be a way in.
      if ((await countSignInMethods(registry, tx, userId)) < 1) throw new KeepLastWayIn()
      return { outcome: 'removed' as const, removed }
    })
  } catch (error) {
    if (error instanceof KeepLastWayIn) return { outcome: 'last-way-in' }
    throw error
  }
}

/** How a session signed in, as the sessions list says it. */
export function describeSignIn(session: { signInMethod: string; secondFactor: string | null }): string {
  const method = ({ password: 'password', passkey: 'passkey', github: 'GitHub', google: 'Google', impersonation: 'impersonation by an admin' } as Record<string, string>)[session.signInMethod] ?? session.signInMethod
  const factor = session.secondFactor === 'totp' ? ' and an authenticator code' : session.secondFactor === 'recovery_code' ? ' and a recovery code' : ''
  return `Signed in with ${method}${factor}`
}
