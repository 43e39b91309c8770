import { desc, eq } from 'drizzle-orm'
import type { Database } from '../platform/db'
import type { RenderedEmail } from './render'
import { emailOutbox, type OutboxMail } from './schema'

export const OUTBOX_LIMIT = 100

// Keyed by the delivery id: a redelivered message finds its mail already stored and stores nothing.
export async function storeInOutbox(db: Database, mail: { id: string; template: string; to: string } & RenderedEmail): Promise<void> {
  await db.insert(emailOutbox)
    .values({ id: mail.id, template: mail.template, recipient: mail.to, subject: mail.subject, html: mail.html, text: mail.text })
    .onConflictDoNothing({ target: emailOutbox.id })
}

/** Newest first; optionally only the mails to one address. */
export function listOutbox(db: Database, options: { to?: string; limit?: number } = {}): Promise<OutboxMail[]> {
  return db.select().from(emailOutbox)
    .where(options.to ? eq(emailOutbox.recipient, options.to) : undefined)
    .orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id))
    .limit(options.limit ?? OUTBOX_LIMIT)
}

export async function findOutboxMail(db: Database, id: string): Promise<OutboxMail | undefined> {
  const [row] = await db.select().from(emailOutbox).where(eq(emailOutbox.id, id)).limit(1)
  return row
}
