import type { AppContext } from '../platform/types'
import { recordAuthAudit } from './audit'
import { logAuthEvent } from './log'
import { LOGIN_ACCOUNT_DELAYS, consumeDelays, resetThrottle, throttleMessage } from './auth-throttle'
import { verifyPassword } from './password'
import type { User } from './schema'

/**
 * Re-authentication before a sensitive admin step (impersonation; checklist 11): the admin's current
 * password, behind the same delay ladder as login and settings so that a stolen session cannot brute-force
 * it. Returns null when confirmed, else the message to show.
 */
export async function reauthenticate(c: AppContext, user: User, password: string): Promise<{ status: 401 | 429; message: string } | null> {
  const key = `reauth:${user.id}`
  const throttle = await consumeDelays(c.env, [key], () => LOGIN_ACCOUNT_DELAYS, new Date())
  if (!throttle.allowed) return { status: 429, message: throttleMessage(throttle.retryAfterSeconds) }
  if (!(await verifyPassword(user.passwordHash, password))) {
    logAuthEvent(c, 'access.denied', { userId: user.id, reason: 'wrong current password', path: c.req.path })
    await recordAuthAudit(c, 'auth.reauth_failed', { targetId: user.id, detail: { path: c.req.path } })
    return { status: 401, message: 'Your password is not correct.' }
  }
  await resetThrottle(c.env, [key])
  return null
}
