import { sql } from 'drizzle-orm'
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

export const EMAIL_DELIVERY_STATUSES = ['queued', 'sent', 'failed'] as const
export type EmailDeliveryStatus = (typeof EMAIL_DELIVERY_STATUSES)[number]

// One row per mail, written when it is queued and updated by the queue consumer, so that an admin can
// see what went out and what failed. No template props here: they can carry one-time links (verify,
// reset) that are stored hashed elsewhere and must not sit in plain text in a second table.
export const emailDeliveries = pgTable(
  'email_deliveries',
  {
    // Also the idempotency key sent to Resend and the outbox row id: one id per mail, end to end.
    id: uuid().primaryKey().defaultRandom(),
    template: text().notNull(),
    recipient: text().notNull(),
    subject: text(),
    status: text({ enum: EMAIL_DELIVERY_STATUSES }).notNull().default('queued'),
    attempts: integer().notNull().default(0),
    // 'resend' or 'outbox' once a consumer has handled it.
    transport: text(),
    providerId: text(),
    error: text(),
    // What an admin's retry re-queues (src/email/admin.ts). Kept only until the mail is sent, and never for
    // templates whose props carry one-time links or codes (SECRET_TEMPLATES): those the user asks for again.
    retryProps: jsonb(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index('email_deliveries_created_at_idx').on(t.createdAt),
    index('email_deliveries_status_created_at_idx').on(t.status, t.createdAt),
    check('email_deliveries_status_check', sql`${t.status} in ('queued', 'sent', 'failed')`),
  ],
)

// The local outbox: rendered mails kept instead of sent when no RESEND_API_KEY is set (development and
// tests). Read by GET /dev/mail and test/helpers/mail.ts. Production never writes here.
export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: uuid().primaryKey(), // = email_deliveries.id, so a redelivered message cannot store twice
    template: text().notNull(),
    recipient: text().notNull(),
    subject: text().notNull(),
    html: text().notNull(),
    text: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('email_outbox_created_at_idx').on(t.createdAt),
    index('email_outbox_recipient_created_at_idx').on(t.recipient, t.createdAt),
  ],
)

export type EmailDelivery = typeof emailDeliveries.$inferSelect
export type OutboxMail = typeof emailOutbox.$inferSelect
