import { sendEmail, type EmailMessage } from '../email'
import type { Database } from '../platform/db'
import type { AppContext } from '../platform/types'
import type { TemplateProps } from '../../templates'

// The auth mails: the email contract's own types (src/email/send-email.ts), narrowed to what auth sends.
export type AuthEmailMessage = Extract<EmailMessage, { template: 'verify-email' | 'password-reset' | 'welcome' | 'email-changed' | 'credentials-revoked' | 'security-notice' }>

/**
 * Queues an auth mail through the email feature. A mail that cannot be queued must not turn a sign-up or a
 * reset request into a 500 (nor reveal whether the account exists): it is logged and the flow goes on; the
 * user can ask for another mail. `db` defaults to the request's; background work passes its own.
 */
export async function sendAuthEmail(c: AppContext, message: AuthEmailMessage, db: Database = c.get('db')): Promise<void> {
  try {
    await sendEmail({ db, queue: c.env.EMAIL }, message)
  } catch (err) {
    c.get('log').error('auth email not queued', { template: message.template, error: err })
  }
}

export function appUrl(c: AppContext, path: string): string {
  return new URL(path, c.env.APP_URL).toString()
}

/**
 * Tells the account's owner that the ways into it changed (issue 22): a provider linked or unlinked, a
 * passkey added or removed, two-factor on or off, a recovery code used. Call it after the change is
 * committed; like every auth mail, a failure to queue it is logged, not shown.
 */
export async function sendSecurityNotice(
  c: AppContext,
  user: { email: string; name: string },
  change: TemplateProps<'security-notice'>['change'],
  detail = '',
): Promise<void> {
  await sendAuthEmail(c, { template: 'security-notice', to: user.email, props: { name: user.name, change, detail, settingsUrl: appUrl(c, '/settings') } })
}
