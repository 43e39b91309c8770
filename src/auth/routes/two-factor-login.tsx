import { Hono } from 'hono'
import { and, eq, lt, sql } from 'drizzle-orm'
import { setFlash } from '../../platform/flash'
import { formBodyLimit, readForm, redirectAfterPost, respondWithForm } from '../../platform/forms'
import { configOf, type AppContext, type AppEnv } from '../../platform/types'
import { recordAuthAudit } from '../audit'
import { consumeDelays, LOGIN_ACCOUNT_DELAYS, resetThrottle, throttleMessage } from '../auth-throttle'
import { logAuthEvent } from '../log'
import { sendSecurityNotice } from '../mail'
import { pendingSignIns } from '../schema'
import { endPendingSignIn, readPendingSignIn } from '../second-factor'
import type { SignInMethod } from '../session'
import { finishSignIn, signInRefusal } from '../sign-in'
import { getTwoFactorState, useSecondFactor } from '../two-factor'
import { readCodeInput } from '../two-factor-codes'
import { TwoFactorLoginForm, TwoFactorLoginPage } from '../views/two-factor'

// A pending sign-in gets this many wrong codes; then it ends and the password is asked again. With the
// delay ladder on the account's code key (below) a guesser gets a handful of tries per password typed,
// against 10^6 codes (three accepted at a time: the ±1 step window).
export const MAX_CODE_ATTEMPTS = 5
export const PENDING_MISSING = 'Your sign-in timed out or was not started. Log in again.'
export const TOO_MANY_CODES = 'Too many wrong codes. Log in again.'
export const WRONG_CODE = 'That code is not right. Type the code your app shows now, or a recovery code.'

/** The delay ladder of every code check of one account (this step, and re-authentication in settings). */
export function codeThrottleKey(userId: string): string {
  return `totp:${userId}`
}

export async function consumeCodeAttempt(c: AppContext, userId: string, now: Date) {
  return consumeDelays(c.env, [codeThrottleKey(userId)], () => LOGIN_ACCOUNT_DELAYS, now)
}

function startOver(c: AppContext, message: string) {
  setFlash(c, 'warning', message)
  return redirectAfterPost(c, '/login')
}

// The path is SECOND_FACTOR_PATH (second-factor.ts), written out so the form-route table finds it.
export const twoFactorLoginRoutes = new Hono<AppEnv>()
  .get('/login/two-factor', async (c) => {
    if (!(await readPendingSignIn(c, c.get('db'), new Date()))) return startOver(c, PENDING_MISSING)
    return c.render(<TwoFactorLoginPage />, { title: 'Two-factor authentication' })
  })
  .post('/login/two-factor', formBodyLimit(), async (c) => {
    const form = await readForm(c)
    const now = new Date()
    const db = c.get('db')
    const found = await readPendingSignIn(c, db, now)
    if (!found) return startOver(c, PENDING_MISSING)
    const { pending, user } = found
    const fail = (status: 401 | 422 | 429, error: string) =>
      respondWithForm(c, status, <TwoFactorLoginForm error={error} />, <TwoFactorLoginPage error={error} />, 'Two-factor authentication')
    const code = readCodeInput(form.code)
    if (code === null) return fail(422, 'Enter the code from your authenticator app or a recovery code.')

    // Consumed before the code is checked, like the password (checklist 23, 24): parallel guesses are counted.
    const throttle = await consumeCodeAttempt(c, user.id, now)
    if (!throttle.allowed) {
      logAuthEvent(c, 'login.throttled', { userId: user.id, reason: `code, retry in ${throttle.retryAfterSeconds}s` })
      c.header('Retry-After', String(throttle.retryAfterSeconds))
      return fail(429, throttleMessage(throttle.retryAfterSeconds))
    }
    // Counted in one statement before the check, so concurrent guesses cannot pass the limit together.
    const counted = await db.update(pendingSignIns).set({ attempts: sql`${pendingSignIns.attempts} + 1` })
      .where(and(eq(pendingSignIns.id, pending.id), lt(pendingSignIns.attempts, MAX_CODE_ATTEMPTS)))
      .returning({ attempts: pendingSignIns.attempts })
    if (counted.length === 0) {
      await endPendingSignIn(c, db, pending.id)
      logAuthEvent(c, 'login.failure', { userId: user.id, reason: 'too many codes' })
      await recordAuthAudit(c, 'auth.login_failed', { actorId: null, targetId: user.id, detail: { reason: 'too many two-factor codes' } })
      return startOver(c, TOO_MANY_CODES)
    }

    const used = await useSecondFactor(db, configOf(c), user.id, code, now)
    if (used === null) {
      logAuthEvent(c, 'login.failure', { userId: user.id, reason: 'wrong code' })
      await recordAuthAudit(c, 'auth.login_failed', { actorId: null, targetId: user.id, detail: { reason: 'wrong two-factor code' } })
      if (counted[0]!.attempts >= MAX_CODE_ATTEMPTS) {
        await endPendingSignIn(c, db, pending.id)
        return startOver(c, TOO_MANY_CODES)
      }
      return fail(401, WRONG_CODE)
    }
    await endPendingSignIn(c, db, pending.id)
    await resetThrottle(c.env, [codeThrottleKey(user.id)])
    // Deactivated or marked for deletion while the code was being typed: refused like at the password.
    const refusal = signInRefusal(user)
    if (refusal) {
      logAuthEvent(c, 'login.failure', { userId: user.id, reason: refusal.reason })
      await recordAuthAudit(c, 'auth.login_failed', { actorId: null, targetId: user.id, detail: { reason: refusal.reason } })
      return startOver(c, refusal.message)
    }
    if (used === 'recovery_code') {
      const { recoveryCodesLeft } = await getTwoFactorState(db, user.id)
      await recordAuthAudit(c, 'auth.recovery_code_used', { actorId: user.id, targetId: user.id, detail: { left: recoveryCodesLeft } })
      await sendSecurityNotice(c, user, 'recovery_code_used', `${recoveryCodesLeft} recovery ${recoveryCodesLeft === 1 ? 'code is' : 'codes are'} left.`)
    }
    return finishSignIn(c, user, { signInMethod: pending.signInMethod as SignInMethod, secondFactor: used }, pending.next, now)
  })
