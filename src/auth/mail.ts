import { sendEmail } from '../email/send-email'
import type { AppContext } from '../platform/types'

// The auth mails, in the shape of the email contract (AGENTS.md, src/email/send-email.ts).
export type AuthEmailMessage =
  | { template: 'verify-email'; to: string; props: { name: string; verifyUrl: string; code: string; expiresInMinutes: number } }
  | { template: 'password-reset'; to: string; props: { name: string; resetUrl: string; expiresInMinutes: number } }
  | { template: 'welcome'; to: string; props: { name: string; dashboardUrl: string } }
  | { template: 'email-changed'; to: string; props: { name: string; oldEmail: string; newEmail: string } }

/**
 * Queues an auth mail through the email feature. A mail that cannot be queued must not turn a sign-up or a
 * reset request into a 500 (nor reveal whether the account exists): it is logged and the flow goes on; the
 * user can ask for another mail.
 */
export async function sendAuthEmail(c: AppContext, message: AuthEmailMessage): Promise<void> {
  try {
    await deliver(c, message)
  } catch (err) {
    console.error(JSON.stringify({ level: 'error', requestId: c.get('requestId'), msg: 'auth email not queued', template: message.template, error: String(err) }))
  }
}

async function deliver(c: AppContext, message: AuthEmailMessage): Promise<void> {
  await sendEmail({ db: c.get('db'), queue: c.env.EMAIL }, message)
}

export function appUrl(c: AppContext, path: string): string {
  return new URL(path, c.env.APP_URL).toString()
}
