import { env } from 'cloudflare:workers'
import { generateHOTP } from '@oslojs/otp'
import { eq } from 'drizzle-orm'
import { resetThrottle } from '../../src/auth/auth-throttle'
import { pendingSignIns, sessions } from '../../src/auth/schema'
import { codeThrottleKey } from '../../src/auth/routes/two-factor-login'
import { confirmTotpEnrolment, startTotpEnrolment } from '../../src/auth/two-factor'
import { TOTP_DIGITS, totpStep } from '../../src/auth/two-factor-codes'
import { withDb } from '../helpers/db'
import { flashCookieFrom, login } from './helpers'
import { waitForMail, type ReceivedMail } from '../helpers/mail'

// The configuration the workers tests run with (no TOTP_ENCRYPTION_KEY outside production).
export const TEST_KEY_CONFIG = { TOTP_ENCRYPTION_KEY: undefined, isProduction: false }

/** The code an authenticator app shows for `key` at `now`, `offset` steps away. */
export function codeAt(key: Uint8Array, now: Date, offset = 0): string {
  return generateHOTP(key, BigInt(totpStep(now) + offset), TOTP_DIGITS)
}

/**
 * The next step's code: later than anything an enrolment or sign-in just accepted (no replay), and within
 * the ±1 window whenever the request lands in this step or the next.
 */
export function freshCode(key: Uint8Array): string {
  return codeAt(key, new Date(), 1)
}

/**
 * Two-factor on through the real services, confirmed with a code of two minutes ago so that the codes of
 * now are not replays of the enrolment's.
 */
export async function enrolTwoFactor(userId: string): Promise<{ key: Uint8Array; recoveryCodes: string[] }> {
  const then = new Date(Date.now() - 2 * 60_000)
  return withDb(async (db) => {
    const key = (await startTotpEnrolment(db, TEST_KEY_CONFIG, userId, then))!
    const recoveryCodes = (await confirmTotpEnrolment(db, TEST_KEY_CONFIG, userId, codeAt(key, then), then))!
    return { key, recoveryCodes }
  })
}

/** The `name=value` of the pending sign-in cookie a response sets, or null. */
export function pendingCookieFrom(res: Response): string | null {
  for (const line of res.headers.getSetCookie()) {
    const m = /^((?:__Host-)?pending_sign_in)=([^;]*)/.exec(line)
    if (m && m[2] !== '') return `${m[1]}=${m[2]}`
  }
  return null
}

/** Password accepted: the pending sign-in cookie for the code step (throws unless sent there). */
export async function passwordStep(email: string, next?: string): Promise<string> {
  const res = await login(email, undefined, { next })
  const cookie = pendingCookieFrom(res)
  if (res.status !== 303 || res.headers.get('location') !== '/login/two-factor' || cookie === null) throw new Error(`not sent to the code step: ${res.status} ${res.headers.get('location')}`)
  return cookie
}

/** The code ladder starts over (a real call to the throttle object), for tests about other limits. */
export function forgetCodeAttempts(userId: string): Promise<void> {
  return resetThrottle(env, [codeThrottleKey(userId)])
}

export function pendingRows(userId: string) {
  return withDb((db) => db.select().from(pendingSignIns).where(eq(pendingSignIns.userId, userId)))
}

export function sessionRows(userId: string) {
  return withDb((db) => db.select().from(sessions).where(eq(sessions.userId, userId)))
}

/** The flash message a response sets (decoded), or ''. */
export function flashOf(res: Response): string {
  return decodeURIComponent(flashCookieFrom(res) ?? '')
}

/** The security notice to `to` whose subject says `about`, waiting for the queue like waitForMail. */
export async function waitForNotice(to: string, about: string): Promise<ReceivedMail> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const mail = await waitForMail(to, { template: 'security-notice' })
    if (mail.subject.includes(about)) return mail
    if (Date.now() > deadline) throw new Error(`no security notice "${about}" to ${to}; newest: ${mail.subject}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
