import { and, count, desc, eq, isNotNull, isNull, sql } from 'drizzle-orm'
import type { Database } from '../platform/db'
import { contactMessages, type ContactMessage } from './schema'

/** The contact inbox for the admin area (issue 13): pages owns the table, admin calls these. */

export const MESSAGES_PAGE_SIZE = 20

export async function countContactMessages(db: Database): Promise<{ open: number; total: number }> {
  const [row] = await db.select({ total: count(), open: sql<number>`count(*) filter (where ${contactMessages.handledAt} is null)`.mapWith(Number) }).from(contactMessages)
  return row ?? { open: 0, total: 0 }
}

export async function listContactMessages(db: Database, filter: { handled?: boolean; page?: number }): Promise<{ rows: ContactMessage[]; hasMore: boolean; page: number }> {
  const page = Math.max(1, Math.min(filter.page ?? 1, 10_000))
  const where = filter.handled === undefined ? undefined : filter.handled ? isNotNull(contactMessages.handledAt) : isNull(contactMessages.handledAt)
  const rows = await db.select().from(contactMessages).where(where)
    .orderBy(desc(contactMessages.createdAt), desc(contactMessages.id))
    .limit(MESSAGES_PAGE_SIZE + 1).offset((page - 1) * MESSAGES_PAGE_SIZE)
  return { rows: rows.slice(0, MESSAGES_PAGE_SIZE), hasMore: rows.length > MESSAGES_PAGE_SIZE, page }
}

export async function getContactMessage(db: Database, id: string): Promise<ContactMessage | null> {
  const [row] = await db.select().from(contactMessages).where(eq(contactMessages.id, id)).limit(1)
  return row ?? null
}

/** Marks it handled (or open again); false when no such message. Idempotent. */
export async function setContactMessageHandled(db: Database, id: string, handled: boolean, now: Date): Promise<boolean> {
  const rows = await db.update(contactMessages).set({ handledAt: handled ? now : null })
    .where(and(eq(contactMessages.id, id))).returning({ id: contactMessages.id })
  return rows.length > 0
}
