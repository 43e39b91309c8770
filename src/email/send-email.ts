import { eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../platform/db'
import { isTemplateName, templates, type TemplateName, type TemplateProps } from '../../templates'
import { parseTemplateProps, TemplatePropsError } from './render'
import { emailDeliveries } from './schema'

// The email contract (AGENTS.md): a union with one member per template, so a caller gets the props of
// the template it names checked by TypeScript. replyTo is optional (the contact form sets the sender).
export type EmailMessage = {
  [N in TemplateName]: { template: N; to: string; props: TemplateProps<N>; replyTo?: string }
}[TemplateName]

// What travels on the EMAIL queue. The id is the email_deliveries row, the outbox row and the
// idempotency key at Resend: one id per mail from enqueue to delivery.
export const emailJobSchema = z.object({
  id: z.uuid(),
  template: z.string(),
  to: z.string(),
  replyTo: z.string().optional(),
  props: z.unknown(),
})
export type EmailJob = z.infer<typeof emailJobSchema>

/**
 * Templates whose props carry one-time links or codes: never stored for a retry (the user asks for a new
 * mail instead, and an admin can resend verification from the user page).
 */
export const SECRET_TEMPLATES: ReadonlySet<string> = new Set(['verify-email', 'password-reset', 'oauth-link-confirm'])

/** A mail refused before anything was queued: unknown template, bad recipient or bad props. */
export class EmailRejectedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EmailRejectedError'
  }
}

const address = z.string().trim().max(254).pipe(z.email())

function checkAddress(value: unknown, what: string): string {
  const parsed = address.safeParse(value)
  if (!parsed.success) throw new EmailRejectedError(`Invalid ${what} ${JSON.stringify(value)}: not a single valid email address.`)
  return parsed.data
}

/**
 * Queues one mail and returns at once: nothing on a request path waits for a mail provider. Validates
 * first (unknown template, invalid recipient or props → EmailRejectedError, nothing stored or queued),
 * records the delivery as 'queued', then puts it on the EMAIL queue. The consumer (consumer.ts) renders
 * and sends it.
 */
export async function sendEmail(deps: { db: Database; queue: Queue }, message: EmailMessage): Promise<{ deliveryId: string }> {
  const { template } = message as { template: string }
  if (typeof template !== 'string' || !isTemplateName(template)) {
    throw new EmailRejectedError(`Unknown email template ${JSON.stringify(template)}. Known templates: ${Object.keys(templates).join(', ')}.`)
  }
  const to = checkAddress(message.to, 'recipient')
  const replyTo = message.replyTo === undefined ? undefined : checkAddress(message.replyTo, 'reply-to address')
  let props: Record<string, unknown>
  try {
    props = parseTemplateProps(template, message.props)
  } catch (err) {
    if (err instanceof TemplatePropsError) throw new EmailRejectedError(err.message)
    throw err
  }

  // Kept for an admin's retry unless the props hold a one-time link or code (SECRET_TEMPLATES).
  const retryProps = SECRET_TEMPLATES.has(template) ? null : { props, replyTo: replyTo ?? null }
  const [row] = await deps.db.insert(emailDeliveries).values({ template, recipient: to, retryProps }).returning({ id: emailDeliveries.id })
  const job: EmailJob = { id: row.id, template, to, replyTo, props }
  try {
    await deps.queue.send(job, { contentType: 'json' })
  } catch (err) {
    // Never a 'queued' row that no consumer will ever see.
    await deps.db.update(emailDeliveries)
      .set({ status: 'failed', error: `could not be queued: ${String(err)}`, updatedAt: new Date() })
      .where(eq(emailDeliveries.id, row.id))
    throw err
  }
  return { deliveryId: row.id }
}
