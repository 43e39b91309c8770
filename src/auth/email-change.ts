import { consumeBucket, type ThrottleDecision } from './auth-throttle'

/**
 * Email-change mail limits (issue 9, finding 2; ADR 0025). Re-authentication resets the password ladder
 * on every success, so it cannot bound the mail: a signed-in user could queue any number of
 * verification mails, carrying a display name of their choosing, to any addresses. Two fixed windows:
 * per account (one person's flood) and per target address (many accounts aimed at one inbox). The
 * per-target window lets someone delay a change to an address for an hour at worst; it reveals nothing,
 * since the settings form already says when an address is taken.
 */
export const EMAIL_CHANGE_ACCOUNT_LIMIT = { max: 3, windowSeconds: 60 * 60 }
export const EMAIL_CHANGE_ADDRESS_LIMIT = { max: 3, windowSeconds: 60 * 60 }

// The account window is consulted first, so a refused account does not spend the target's allowance.
export async function consumeEmailChangeAllowance(env: Env, userId: string, address: string, now: Date): Promise<ThrottleDecision> {
  const account = await consumeBucket(env, `email-change:${userId}`, EMAIL_CHANGE_ACCOUNT_LIMIT, now)
  if (!account.allowed) return account
  return consumeBucket(env, `email-change-to:${address}`, EMAIL_CHANGE_ADDRESS_LIMIT, now)
}

export function emailChangeThrottleMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60))
  return `Too many email change requests. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`
}

// Checked after re-authentication, so the message reveals nothing to someone without the password.
export const SAME_PASSWORD_MESSAGE = 'Choose a password different from your current one.'
