import type { AppContext } from '../platform/types'

/**
 * Auth events as JSON lines with the request id (checklist 34, ASVS 16.3.1/16.3.2). Callers pass ids and
 * reasons only: never passwords, tokens, codes or cookies (ASVS 16.2.5).
 */
export type AuthEvent =
  | 'signup' | 'login.success' | 'login.failure' | 'login.throttled' | 'logout'
  | 'access.denied' | 'email.verified' | 'email.verify_failed' | 'email.change_requested'
  | 'password.reset_requested' | 'password.reset' | 'password.changed' | 'session.revoked' | 'account.deleted'

export function logAuthEvent(c: AppContext, event: AuthEvent, fields: { userId?: string; reason?: string; path?: string } = {}): void {
  const level = event.endsWith('failure') || event.endsWith('denied') || event.endsWith('throttled') || event.endsWith('failed') ? 'warn' : 'info'
  console.log(JSON.stringify({ level, requestId: c.get('requestId'), event: `auth.${event}`, ...fields }))
}
