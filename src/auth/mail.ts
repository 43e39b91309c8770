import { sendEmail, type EmailMessage } from '../email'
import type { Database } from '../platform/db'
import type { AppContext } from '../platform/types'

// The auth mails: the email contract's own types (src/email/send-email.ts), narrowed to what auth sends.
export type AuthEmailMessage = Extract<EmailMessage, { template: 'verify-email' | 'password-reset' | 'welcome' | 'email-changed' | 'credentials-revoked' }>

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
