import { and, desc, eq } from 'drizzle-orm'
import { emailDeliveries, emailOutbox, type EmailDelivery } from '../../src/email/schema'
import { withDb } from './db'

export interface ReceivedMail {
  id: string
  template: string
  subject: string
  html: string
  text: string
}

/**
 * The newest mail to `to` in the local outbox, waiting until the real queue consumer has rendered and
 * stored it (delivery takes about a second in tests). Throws with what the outbox holds on time-out.
 */
export async function waitForMail(to: string, opts: { template?: string; timeoutMs?: number } = {}): Promise<ReceivedMail> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000)
  for (;;) {
    const [mail] = await withDb((db) =>
      db.select().from(emailOutbox)
        .where(and(eq(emailOutbox.recipient, to), opts.template ? eq(emailOutbox.template, opts.template) : undefined))
        .orderBy(desc(emailOutbox.createdAt))
        .limit(1),
    )
    if (mail) return { id: mail.id, template: mail.template, subject: mail.subject, html: mail.html, text: mail.text }
    if (Date.now() > deadline) {
      const deliveries = await withDb((db) => db.select().from(emailDeliveries).where(eq(emailDeliveries.recipient, to)))
      throw new Error(`No mail to ${to}${opts.template ? ` (template ${opts.template})` : ''} in the outbox within ${opts.timeoutMs ?? 10_000} ms. Deliveries: ${JSON.stringify(deliveries.map((d) => ({ template: d.template, status: d.status, error: d.error })))}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** The email_deliveries row once it satisfies `until` (default: no longer queued). */
export async function waitForDelivery(id: string, until: (row: EmailDelivery) => boolean = (r) => r.status !== 'queued', timeoutMs = 15_000): Promise<EmailDelivery> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [row] = await withDb((db) => db.select().from(emailDeliveries).where(eq(emailDeliveries.id, id)))
    if (row && until(row)) return row
    if (Date.now() > deadline) throw new Error(`Delivery ${id} did not reach the expected state within ${timeoutMs} ms: ${JSON.stringify(row)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

export function uniqueAddress(label = 'mail'): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}@example.com`
}
