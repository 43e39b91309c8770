import { and, eq, sql } from 'drizzle-orm'
import { createDb, type Database } from '../platform/db'
import { readConfig, type Config } from '../platform/env'
import { createLogger } from '../platform/logger'
import { isTemplateName } from '../../templates'
import { storeInOutbox } from './outbox'
import { appInfo, renderEmail } from './render'
import { sendWithResend, type SendOutcome } from './resend'
import { emailDeliveries } from './schema'
import { emailJobSchema, type EmailJob } from './send-email'

// Queue names as in wrangler.toml.
export const EMAIL_QUEUE = 'quickscale-email'
export const EMAIL_DEAD_LETTER_QUEUE = 'quickscale-email-dlq'

const BACKOFF_BASE_SECONDS = 30
const BACKOFF_MAX_SECONDS = 60 * 60

/** 30 s, 60 s, 120 s, … per failed attempt, at most an hour (security checklist 29). */
export function backoffSeconds(attempts: number): number {
  return Math.min(BACKOFF_BASE_SECONDS * 2 ** Math.max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
}

// Delivery id and template only: recipients are personal data and stay in the database (the logger
// would mask an address anyway). Tests keep their output readable: info lines are dropped there.
function log(config: Pick<Config, 'ENVIRONMENT'>, level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown>) {
  createLogger({ minLevel: config.ENVIRONMENT === 'test' ? 'warn' : 'info' })[level](msg, fields)
}

/**
 * The EMAIL queue consumer. Per message: count the attempt on its email_deliveries row (a row that is no
 * longer 'queued' was already sent or failed: a redelivery, acknowledged without sending), render, then
 * send through Resend, or store in the local outbox when no RESEND_API_KEY is set outside production.
 * Transient failures retry with backoff; after max_retries (wrangler.toml) the queue moves the message to
 * the dead-letter queue, handled below.
 */
export async function consumeEmailQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = readConfig(env)
  const { db, close } = createDb(env)
  try {
    // One at a time: Resend allows a few requests per second per account, and a batch is at most 10.
    for (const msg of batch.messages) await deliver(db, env, config, msg)
  } finally {
    await close()
  }
}

async function deliver(db: Database, env: Env, config: Config, msg: Message<unknown>): Promise<void> {
  const parsed = emailJobSchema.safeParse(msg.body)
  if (!parsed.success) {
    log(config, 'error', 'email: malformed queue message dropped', { messageId: msg.id })
    msg.ack()
    return
  }
  const job = parsed.data
  const fields = { deliveryId: job.id, template: job.template, attempt: msg.attempts }
  try {
    const claimed = await db.update(emailDeliveries)
      .set({ attempts: sql`${emailDeliveries.attempts} + 1`, updatedAt: new Date() })
      .where(and(eq(emailDeliveries.id, job.id), eq(emailDeliveries.status, 'queued')))
      .returning({ id: emailDeliveries.id })
    if (claimed.length === 0) {
      log(config, 'info', 'email: already handled, redelivery acknowledged', fields)
      msg.ack()
      return
    }

    let outcome: Outcome
    try {
      outcome = await renderAndSend(db, env, config, job)
    } catch (err) {
      // Unknown template or props that no longer fit it (a message older than a deploy): retrying
      // renders the same error again.
      outcome = { ok: false, retryable: false, error: `could not render: ${err instanceof Error ? err.message : String(err)}` }
    }

    if (outcome.ok) {
      await db.update(emailDeliveries)
        .set({ status: 'sent', transport: outcome.transport, providerId: outcome.providerId, subject: outcome.subject, error: null, retryProps: null, sentAt: new Date(), updatedAt: new Date() })
        .where(eq(emailDeliveries.id, job.id))
      log(config, 'info', 'email: sent', { ...fields, transport: outcome.transport })
      msg.ack()
    } else if (outcome.retryable) {
      await db.update(emailDeliveries).set({ error: outcome.error, subject: outcome.subject, updatedAt: new Date() }).where(eq(emailDeliveries.id, job.id))
      const delaySeconds = outcome.retryAfterSeconds ?? backoffSeconds(msg.attempts)
      log(config, 'warn', 'email: send failed, will retry', { ...fields, delaySeconds, error: outcome.error })
      msg.retry({ delaySeconds })
    } else {
      await db.update(emailDeliveries).set({ status: 'failed', error: outcome.error, subject: outcome.subject, updatedAt: new Date() }).where(eq(emailDeliveries.id, job.id))
      log(config, 'error', 'email: failed permanently', { ...fields, error: outcome.error })
      msg.ack()
    }
  } catch (err) {
    // The database (or something else of ours) failed: try the whole message again later. A send that
    // did go out is not repeated: Resend answers a retry with the same idempotency key from its record.
    log(config, 'error', 'email: consumer error, will retry', { ...fields, error: err })
    msg.retry({ delaySeconds: backoffSeconds(msg.attempts) })
  }
}

// What one attempt came to; the outbox has no provider id.
type Outcome = (SendOutcome | { ok: true; providerId: null }) & { transport?: 'resend' | 'outbox'; subject?: string }

async function renderAndSend(db: Database, env: Env, config: Config, job: EmailJob): Promise<Outcome> {
  if (!isTemplateName(job.template)) throw new Error(`unknown template "${job.template}"`)
  const mail = await renderEmail(job.template, job.props, appInfo(env))
  const apiKey = env.RESEND_API_KEY?.trim()
  if (apiKey) {
    const outcome = await sendWithResend(apiKey, { from: config.EMAIL_FROM, to: job.to, replyTo: job.replyTo, ...mail }, job.id)
    return { ...outcome, transport: 'resend', subject: mail.subject }
  }
  if (config.isProduction) {
    // Never "sent" into a table nobody reads: production without a key is a configuration error.
    return { ok: false, retryable: false, error: 'RESEND_API_KEY is not set: production mail cannot be sent (docs/email.md)', subject: mail.subject }
  }
  await storeInOutbox(db, { id: job.id, template: job.template, to: job.to, ...mail })
  return { ok: true, providerId: null, transport: 'outbox', subject: mail.subject }
}

/**
 * The dead-letter queue consumer: a message lands here after max_retries failed attempts. Its delivery
 * becomes 'failed' with the last error kept, so it is visible, never silently lost.
 */
export async function consumeEmailDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const config = readConfig(env)
  const { db, close } = createDb(env)
  try {
    for (const msg of batch.messages) {
      const parsed = emailJobSchema.safeParse(msg.body)
      if (!parsed.success) {
        log(config, 'error', 'email: malformed dead letter dropped', { messageId: msg.id })
        msg.ack()
        continue
      }
      try {
        await db.update(emailDeliveries)
          .set({
            status: 'failed',
            error: sql`'gave up after ' || ${emailDeliveries.attempts} || ' attempts; last error: ' || coalesce(${emailDeliveries.error}, 'none')`,
            updatedAt: new Date(),
          })
          .where(and(eq(emailDeliveries.id, parsed.data.id), eq(emailDeliveries.status, 'queued')))
        log(config, 'error', 'email: dead-lettered, marked failed', { deliveryId: parsed.data.id, template: parsed.data.template })
        msg.ack()
      } catch (err) {
        log(config, 'error', 'email: could not record a dead letter, will retry', { deliveryId: parsed.data.id, error: err })
        msg.retry({ delaySeconds: backoffSeconds(msg.attempts) })
      }
    }
  } finally {
    await close()
  }
}

export const emailQueueConsumers = {
  [EMAIL_QUEUE]: consumeEmailQueue,
  [EMAIL_DEAD_LETTER_QUEUE]: consumeEmailDeadLetters,
}
