import type { Feature } from '../platform/feature'
import { mailTodayPanel } from './admin-panel'
import { emailQueueConsumers } from './consumer'
import { devMailRoutes } from './dev-mail'
import { forgetEmailRecipient } from './forget-recipient'

// Transactional email (docs/email.md): what other features may use.
export { sendEmail, EmailRejectedError, SECRET_TEMPLATES, type EmailMessage } from './send-email'
// For the admin area (issue 13): admin never reads email's tables.
export { countDeliveriesToday, listDeliveries, retryDelivery, DELIVERIES_PAGE_SIZE, type DeliveryRow, type RetryResult } from './admin'
export { EMAIL_DELIVERY_STATUSES, type EmailDeliveryStatus } from './schema'

export const emailFeature: Feature = {
  name: 'email',
  routes: devMailRoutes,
  queues: emailQueueConsumers,
  accountCleanups: [(tx, user) => forgetEmailRecipient(tx, user.email)],
  adminPanels: [mailTodayPanel],
}
