import type { Feature } from '../platform/feature'
import { emailQueueConsumers } from './consumer'
import { devMailRoutes } from './dev-mail'
import { forgetEmailRecipient } from './forget-recipient'
import { mailAdminPanel } from './admin-panel'

// Transactional email (docs/email.md): what other features may use.
export { sendEmail, EmailRejectedError, type EmailMessage } from './send-email'

export const emailFeature: Feature = {
  name: 'email',
  routes: devMailRoutes,
  queues: emailQueueConsumers,
  accountCleanups: [(tx, user) => forgetEmailRecipient(tx, user.email)],
  adminPanels: [mailAdminPanel],
}
