import { eq } from 'drizzle-orm'
import type { Database } from '../platform/db'
import { emailDeliveries, emailOutbox } from './schema'

export const FORGOTTEN_RECIPIENT = 'deleted-account'

/**
 * Account deletion (a step of auth's deletion queue, idempotent; ADR 0084): the delivery log keeps its rows — an admin still sees how
 * many mails went out and which failed — but no longer says to whom; outbox copies (rendered mails with
 * the person's name and links) are deleted outright.
 */
export async function forgetEmailRecipient(db: Database, address: string): Promise<void> {
  await db.update(emailDeliveries).set({ recipient: FORGOTTEN_RECIPIENT, retryProps: null, updatedAt: new Date() }).where(eq(emailDeliveries.recipient, address))
  await db.delete(emailOutbox).where(eq(emailOutbox.recipient, address))
}
