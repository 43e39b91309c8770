import type { AppContext } from '../platform/types'

/**
 * Auth events (checklist 34, ASVS 16.3.1/16.3.2): a thin helper over the platform logger, which adds the
 * request id and redacts by design. Callers pass ids and reasons only: never passwords, tokens, codes or
 * cookies (ASVS 16.2.5).
 */
export type AuthEvent =
  | 'signup' | 'login.success' | 'login.failure' | 'login.throttled' | 'logout'
  | 'access.denied' | 'email.verified' | 'email.verify_failed' | 'email.change_requested'
  | 'password.reset_requested' | 'password.reset' | 'password.changed' | 'session.revoked' | 'account.deleted'

export function logAuthEvent(c: AppContext, event: AuthEvent, fields: { userId?: string; reason?: string; path?: string } = {}): void {
  const warn = event.endsWith('failure') || event.endsWith('denied') || event.endsWith('throttled') || event.endsWith('failed')
  c.get('log')[warn ? 'warn' : 'info'](`auth.${event}`, { event: `auth.${event}`, ...fields })
}
