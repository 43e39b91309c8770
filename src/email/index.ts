import type { Feature } from '../platform/feature'
import { mailTodayPanel } from './admin-panel'
import { emailQueueConsumers } from './consumer'
import { devMailRoutes } from './dev-mail'
import { forgetEmailRecipient } from './forget-recipient'

export const emailFeature: Feature = {
  name: 'email',
  routes: devMailRoutes,
  queues: emailQueueConsumers,
  adminPanels: [mailTodayPanel],
  accountCleanups: [(tx, user) => forgetEmailRecipient(tx, user.email)],
}

export { sendEmail, EmailRejectedError, SECRET_TEMPLATES, type EmailMessage } from './send-email'
export { countDeliveriesToday, listDeliveries, retryDelivery, DELIVERIES_PAGE_SIZE, type DeliveryRow, type RetryResult } from './admin'
export { EMAIL_DELIVERY_STATUSES, type EmailDeliveryStatus } from './schema'
