import { and, count, desc, eq, gte } from 'drizzle-orm'
import type { Database } from '../platform/db'
import { isTemplateName } from '../../templates'
import { parseTemplateProps } from './render'
import { emailDeliveries, type EmailDelivery, type EmailDeliveryStatus } from './schema'
import type { EmailJob } from './send-email'

/** The email feature's figures and operations for the admin area (issue 13); admin never reads these tables. */

export const DELIVERIES_PAGE_SIZE = 25

function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
}

/** Mails created today (UTC) by status: queued, sent, failed. */
export async function countDeliveriesToday(db: Database, now: Date): Promise<Record<EmailDeliveryStatus, number>> {
  const rows = await db.select({ status: emailDeliveries.status, n: count() }).from(emailDeliveries)
    .where(gte(emailDeliveries.createdAt, startOfUtcDay(now))).groupBy(emailDeliveries.status)
  const by = Object.fromEntries(rows.map((r) => [r.status, r.n]))
  return { queued: by.queued ?? 0, sent: by.sent ?? 0, failed: by.failed ?? 0 }
}

export type DeliveryRow = Omit<EmailDelivery, 'retryProps'> & { retryable: boolean }

export async function listDeliveries(db: Database, filter: { status?: EmailDeliveryStatus; page?: number }): Promise<{ rows: DeliveryRow[]; hasMore: boolean; page: number }> {
  const page = Math.max(1, Math.min(filter.page ?? 1, 10_000))
  const rows = await db.select().from(emailDeliveries)
    .where(filter.status ? eq(emailDeliveries.status, filter.status) : undefined)
    .orderBy(desc(emailDeliveries.createdAt), desc(emailDeliveries.id))
    .limit(DELIVERIES_PAGE_SIZE + 1).offset((page - 1) * DELIVERIES_PAGE_SIZE)
  return {
    rows: rows.slice(0, DELIVERIES_PAGE_SIZE).map(({ retryProps, ...d }) => ({ ...d, retryable: d.status === 'failed' && retryProps !== null })),
    hasMore: rows.length > DELIVERIES_PAGE_SIZE,
    page,
  }
}

export type RetryResult = { ok: true; template: string } | { ok: false; reason: 'not_found' | 'not_failed' | 'no_props' }

/**
 * Puts a failed mail back on the queue under the same id (the same idempotency key at Resend and the same
 * outbox row). Only failed rows that still hold their props; the status flips back to 'queued' first and
 * only if it is still 'failed', so two clicks queue it once. A send the queue refuses puts it back to 'failed'
 * and rethrows.
 */
export async function retryDelivery(db: Database, queue: Queue, id: string): Promise<RetryResult> {
  const [row] = await db.select().from(emailDeliveries).where(eq(emailDeliveries.id, id)).limit(1)
  if (!row) return { ok: false, reason: 'not_found' }
  if (row.status !== 'failed') return { ok: false, reason: 'not_failed' }
  const stored = row.retryProps as { props: unknown; replyTo: string | null } | null
  if (stored === null || !isTemplateName(row.template)) return { ok: false, reason: 'no_props' }
  let props: Record<string, unknown>
  try {
    props = parseTemplateProps(row.template, stored.props)
  } catch {
    // Props that no longer fit the template (changed since): sending would fail the same way.
    return { ok: false, reason: 'no_props' }
  }
  const claimed = await db.update(emailDeliveries).set({ status: 'queued', error: null, updatedAt: new Date() })
    .where(and(eq(emailDeliveries.id, id), eq(emailDeliveries.status, 'failed'))).returning({ id: emailDeliveries.id })
  if (claimed.length === 0) return { ok: false, reason: 'not_failed' }
  const job: EmailJob = { id, template: row.template, to: row.recipient, replyTo: stored.replyTo ?? undefined, props }
  try {
    await queue.send(job, { contentType: 'json' })
  } catch (err) {
    // Compensation (issue 19, 12c): never a 'queued' row that no consumer will see. Back to 'failed' (and
    // so retryable again), only while it is still the 'queued' this retry set.
    await db.update(emailDeliveries).set({ status: 'failed', error: `retry could not be queued: ${String(err)}`, updatedAt: new Date() })
      .where(and(eq(emailDeliveries.id, id), eq(emailDeliveries.status, 'queued')))
    throw err
  }
  return { ok: true, template: row.template }
}
