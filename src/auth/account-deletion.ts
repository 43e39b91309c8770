import { and, asc, eq, isNotNull, isNull, or, sql } from 'drizzle-orm'
import { z } from 'zod'
import { recordAudit, type AuditEntry } from '../platform/audit'
import { createDb, type Database } from '../platform/db'
import { emitEvent, type AccountCleanupStep, type Registry } from '../platform/feature'
import { createLogger } from '../platform/logger'
import type { AppContext } from '../platform/types'
import { guardLastAdmin } from './account-admin'
import { credentialEnding } from './credentials'
import { voidPendingVerifications } from './email-verification'
import { passwordResetTokens, sessions, users } from './schema'

/**
 * Account deletion is a saga, not a transaction around network calls (issue 19, item 10; ADR 0084):
 *  1. one transaction marks the account `deleting` (deletion_requested_at), ends every session, reset link,
 *     pending verification and API key, and writes the audit row — then commits;
 *  2. one message goes to the deletion queue; its consumer runs the registry's cleanup steps in order
 *     (billing first: Stripe is canceled before anything else; then usage, files, email …), each
 *     idempotent and outside any long transaction, and deletes the user row last;
 *  3. a failure retries with backoff; after the last retry the dead-letter consumer marks the account
 *     deletion_failed with the error, and an admin retries it from the user page.
 * A deleting account cannot sign in (login refuses it, sessions are refused), cannot be impersonated, and
 * its address stays taken until the row goes.
 */

// Queue names as in wrangler.toml.
export const ACCOUNT_DELETION_QUEUE = 'quickscale-account-deletion'
export const ACCOUNT_DELETION_DEAD_LETTER_QUEUE = 'quickscale-account-deletion-dlq'

const jobSchema = z.object({ userId: z.uuid() })

/** 30 s, 60 s, 120 s … per failed attempt, at most an hour (as the email queue, security checklist 29). */
export function deletionBackoffSeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(attempts - 1, 0), 60 * 60)
}

const log = () => createLogger()
type Tx = Parameters<Parameters<Database['transaction']>[0]>[0]
const asDb = (tx: Tx) => tx as unknown as Database

export type DeletingUser = { id: string; email: string; name: string }

/**
 * Step 1, one transaction: the mark, every way in ended, and `within` (the credential event and the audit
 * row) — committed together or not at all. Asking again for an account already deleting keeps its first
 * date and clears a failure. Returns null when the user does not exist; throws LastAdminError.
 */
export async function markAccountDeleting(db: Database, userId: string, now: Date, within?: (tx: Database) => Promise<void>): Promise<DeletingUser | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select({ id: users.id, email: users.email, name: users.name, role: users.role, requested: users.deletionRequestedAt })
      .from(users).where(eq(users.id, userId)).for('update')
    if (!row) return null
    // The site keeps an administrator (issue 19, finding 5); a deleting admin no longer counts as one.
    if (row.role === 'admin' && row.requested === null) await guardLastAdmin(asDb(tx), userId)
    await tx.update(users).set({ deletionRequestedAt: row.requested ?? now, deletionFailedAt: null, deletionError: null, updatedAt: now }).where(eq(users.id, userId))
    // Signed out everywhere, including sessions in which this user impersonates someone (checklist 12).
    await tx.delete(sessions).where(or(eq(sessions.userId, userId), eq(sessions.impersonatorId, userId)))
    await tx.delete(passwordResetTokens).where(eq(passwordResetTokens.userId, userId))
    await voidPendingVerifications(asDb(tx), userId)
    await within?.(asDb(tx))
    return { id: row.id, email: row.email, name: row.name }
  })
}

/** Step 2: one message. If the queue refuses it, the account shows as failed for the admin to retry. */
export async function enqueueAccountDeletion(db: Database, env: Env, userId: string): Promise<boolean> {
  try {
    await env.ACCOUNT_DELETION.send({ userId })
    return true
  } catch (err) {
    log().error('account deletion: not queued', { userId, error: err })
    await db.update(users).set({ deletionFailedAt: new Date(), deletionError: `could not be queued: ${String(err)}`.slice(0, 1000) })
      .where(and(eq(users.id, userId), isNotNull(users.deletionRequestedAt)))
    return false
  }
}

/**
 * Deletion asked for in a request (settings, or an admin): mark, end credentials (API keys) and audit in
 * one transaction, then enqueue. Returns the account, or null when it does not exist.
 */
export async function requestAccountDeletion(c: AppContext, userId: string, audit: Omit<AuditEntry, 'targetType' | 'targetId'>): Promise<DeletingUser | null> {
  const db = c.get('db')
  const now = new Date()
  const ending = credentialEnding(c, 'account_deleted')
  const user = await markAccountDeleting(db, userId, now, async (tx) => {
    await ending.end(tx, userId, now)
    await recordAudit(c, { ...audit, targetType: 'user', targetId: userId, detail: { ...audit.detail, credentialsEnded: ending.ended.length } }, tx)
  })
  if (user) await enqueueAccountDeletion(db, c.env, userId)
  return user
}

export class DeletionStepError extends Error {
  constructor(readonly step: string, readonly cause: unknown) {
    super(`step ${step}: ${cause instanceof Error ? cause.message : String(cause)}`)
    this.name = 'DeletionStepError'
  }
}

/**
 * The steps, in order, then the user row (sessions, verifications and reset tokens cascade). Each step is
 * idempotent, so a retry after a crash anywhere finishes the job. An account that is gone is done; one that
 * was never marked is left alone (a stray message never deletes anyone).
 */
export async function runAccountDeletion(db: Database, env: Env, steps: readonly AccountCleanupStep[], userId: string, now: Date): Promise<'deleted' | 'gone' | 'not_requested'> {
  const [row] = await db.select({ id: users.id, email: users.email, requested: users.deletionRequestedAt }).from(users).where(eq(users.id, userId)).limit(1)
  if (!row) return 'gone'
  if (row.requested === null) return 'not_requested'
  for (const step of steps) {
    try {
      await step.run(db, { id: row.id, email: row.email }, env, now)
    } catch (err) {
      throw new DeletionStepError(step.name, err)
    }
  }
  await db.delete(users).where(and(eq(users.id, userId), isNotNull(users.deletionRequestedAt)))
  return 'deleted'
}

function systemAudit(registry: Registry, db: Database, env: Env, entry: { action: string; userId: string; detail?: Record<string, string | number | boolean | null> }) {
  return emitEvent(registry, 'audit.record', {
    action: entry.action, actorId: null, targetType: 'user', targetId: entry.userId, detail: { actor: 'deletion queue', ...entry.detail },
  }, { db, env, now: new Date() })
}

/** The deletion queue's consumer: one account per message, retried with backoff on any failure. */
export async function consumeAccountDeletions(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext, registry: Registry): Promise<void> {
  const { db, close } = createDb(env)
  try {
    for (const msg of batch.messages) {
      const parsed = jobSchema.safeParse(msg.body)
      if (!parsed.success) {
        log().error('account deletion: malformed message dropped', { messageId: msg.id })
        msg.ack()
        continue
      }
      const { userId } = parsed.data
      try {
        const outcome = await runAccountDeletion(db, env, registry.accountCleanups, userId, new Date())
        if (outcome === 'deleted') await systemAudit(registry, db, env, { action: 'auth.account_deletion_completed', userId, detail: { attempts: msg.attempts } })
        msg.ack()
      } catch (err) {
        const error = `attempt ${msg.attempts}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 1000)
        log().warn('account deletion: step failed, will retry', { userId, attempt: msg.attempts, error })
        // The last error stays on the row, so the admin sees why an account is still deleting.
        await db.update(users).set({ deletionError: error }).where(eq(users.id, userId)).catch(() => undefined)
        msg.retry({ delaySeconds: deletionBackoffSeconds(msg.attempts) })
      }
    }
  } finally {
    await close()
  }
}

/** After max_retries: the account is marked deletion_failed with the last error, for the admin to retry. */
export async function consumeAccountDeletionDeadLetters(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext, registry: Registry): Promise<void> {
  const { db, close } = createDb(env)
  try {
    for (const msg of batch.messages) {
      const parsed = jobSchema.safeParse(msg.body)
      if (!parsed.success) { msg.ack(); continue }
      const { userId } = parsed.data
      try {
        const marked = await db.update(users)
          .set({ deletionFailedAt: new Date(), deletionError: sql`'gave up after retries; last error: ' || coalesce(${users.deletionError}, 'none')` })
          .where(and(eq(users.id, userId), isNotNull(users.deletionRequestedAt), isNull(users.deletionFailedAt)))
          .returning({ error: users.deletionError })
        if (marked.length > 0) await systemAudit(registry, db, env, { action: 'auth.account_deletion_failed', userId, detail: { error: marked[0]!.error } })
        log().error('account deletion: dead-lettered, marked failed', { userId })
        msg.ack()
      } catch (err) {
        log().error('account deletion: could not record a dead letter, will retry', { userId, error: err })
        msg.retry({ delaySeconds: deletionBackoffSeconds(msg.attempts) })
      }
    }
  } finally {
    await close()
  }
}

export const accountDeletionQueues = {
  [ACCOUNT_DELETION_QUEUE]: consumeAccountDeletions,
  [ACCOUNT_DELETION_DEAD_LETTER_QUEUE]: consumeAccountDeletionDeadLetters,
}

/**
 * The admin's retry: clears the failure and sends a new message (the steps are idempotent, so a retry of a
 * deletion that is in fact still running is harmless). Never starts a deletion that was not asked for.
 */
export async function retryAccountDeletion(db: Database, env: Env, userId: string): Promise<'queued' | 'not_deleting' | 'not_queued'> {
  const updated = await db.update(users).set({ deletionFailedAt: null, deletionError: null })
    .where(and(eq(users.id, userId), isNotNull(users.deletionRequestedAt))).returning({ id: users.id })
  if (updated.length === 0) return 'not_deleting'
  return (await enqueueAccountDeletion(db, env, userId)) ? 'queued' : 'not_queued'
}

export interface DeletingAccount { id: string; email: string; name: string; requestedAt: Date; failedAt: Date | null; error: string | null }

/** Accounts in deletion, failed ones first, then the oldest: what the admin overview lists. */
export async function listDeletingAccounts(db: Database, limit = 20): Promise<DeletingAccount[]> {
  return db.select({ id: users.id, email: users.email, name: users.name, requestedAt: sql<Date>`${users.deletionRequestedAt}`.mapWith(users.deletionRequestedAt), failedAt: users.deletionFailedAt, error: users.deletionError })
    .from(users).where(isNotNull(users.deletionRequestedAt))
    .orderBy(sql`${users.deletionFailedAt} is null`, asc(users.deletionRequestedAt)).limit(limit)
}
