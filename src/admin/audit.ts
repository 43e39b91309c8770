import { and, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm'
import { personFields, userIdsWithEmail } from '../auth'
import type { Database } from '../platform/db'
import type { PersonRef } from '../platform/admin-ui'
import type { AuditRecord } from '../platform/feature'
import { auditEvents, type AuditEvent } from './schema'

export type { AuditRecord }

/**
 * Retention (docs/decisions/0060-audit-log.md): 400 days, so a full year can be compared with the one
 * before; the daily job deletes what is older. A deployment with other obligations changes this number.
 */
export const AUDIT_RETENTION_DAYS = 400
export const AUDIT_PAGE_SIZE = 50

// Keys whose values must never be stored, whatever a caller passes (ASVS 16.2.5): dropped, not masked.
const SECRET_KEY = /pass(word)?|token|secret|code|cookie|key|hash/i

export function scrubDetail(detail: AuditRecord['detail']): AuditRecord['detail'] | null {
  if (!detail) return null
  const out: Record<string, string | number | boolean | null> = {}
  for (const [k, v] of Object.entries(detail)) {
    if (SECRET_KEY.test(k)) continue
    out[k] = typeof v === 'string' ? v.slice(0, 300) : v
  }
  return out
}

/** The 'audit.record' listener: one row per event, insert only. */
export async function recordAuditEvent(db: Database, record: AuditRecord, now: Date): Promise<void> {
  await db.insert(auditEvents).values({
    action: record.action.slice(0, 100),
    actorId: record.actorId,
    onBehalfOfId: record.onBehalfOfId ?? null,
    targetType: record.targetType ?? null,
    targetId: record.targetId ?? null,
    ip: record.ip?.slice(0, 64) ?? null,
    detail: scrubDetail(record.detail),
    createdAt: now,
  })
}

export interface AuditFilter {
  action?: string
  /** Matches the actor, the on-behalf-of user or the target. */
  userId?: string
  /** Part of an email address (case-insensitive): rows whose actor, on-behalf-of user or target has it. */
  email?: string
  since?: Date
  before?: Date
}

/** A row as the page shows it: the people resolved to name and email (null: no person there). */
export type AuditListRow = AuditEvent & { actor: PersonRef | null; onBehalfOf: PersonRef | null; targetUser: PersonRef | null }

// A user target's id as a uuid (target_id is text: targets of other types need not be uuids). Guarded so a
// malformed id is simply no person rather than a failed cast (pg_input_is_valid: Postgres 16+).
const targetUserId = sql`(case when ${auditEvents.targetType} = 'user' and pg_input_is_valid(${auditEvents.targetId}, 'uuid') then ${auditEvents.targetId}::uuid end)`

const person = (id: string | null, name: string | null, email: string | null): PersonRef | null => (id ? { id, name, email } : null)

/**
 * One page of rows, newest first, with every person's name and email from the same query (auth's
 * personFields: subqueries on users' primary key), so the page stays at one round trip for its data.
 */
export async function listAuditEvents(db: Database, filter: AuditFilter, page = 1): Promise<{ rows: AuditListRow[]; hasMore: boolean }> {
  const where: SQL[] = []
  if (filter.action) where.push(sql`${auditEvents.action} like ${`${filter.action.replace(/[%_\\]/g, '\\$&')}%`}`)
  if (filter.userId) where.push(or(eq(auditEvents.actorId, filter.userId), eq(auditEvents.onBehalfOfId, filter.userId), eq(auditEvents.targetId, filter.userId))!)
  if (filter.email) {
    where.push(sql`(${auditEvents.actorId} in (${userIdsWithEmail(filter.email)}) or ${auditEvents.onBehalfOfId} in (${userIdsWithEmail(filter.email)})
      or (${auditEvents.targetType} = 'user' and ${auditEvents.targetId} in (${userIdsWithEmail(filter.email, 'text')})))`)
  }
  if (filter.since) where.push(gte(auditEvents.createdAt, filter.since))
  if (filter.before) where.push(lt(auditEvents.createdAt, filter.before))
  const actor = personFields(auditEvents.actorId)
  const onBehalfOf = personFields(auditEvents.onBehalfOfId)
  const target = personFields(targetUserId)
  const rows = await db.select({
    event: auditEvents,
    actorName: actor.name, actorEmail: actor.email,
    onBehalfOfName: onBehalfOf.name, onBehalfOfEmail: onBehalfOf.email,
    targetName: target.name, targetEmail: target.email,
  }).from(auditEvents).where(and(...where))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(AUDIT_PAGE_SIZE + 1).offset((page - 1) * AUDIT_PAGE_SIZE)
  return {
    rows: rows.slice(0, AUDIT_PAGE_SIZE).map((r) => ({
      ...r.event,
      actor: person(r.event.actorId, r.actorName, r.actorEmail),
      onBehalfOf: person(r.event.onBehalfOfId, r.onBehalfOfName, r.onBehalfOfEmail),
      targetUser: r.event.targetType === 'user' ? person(r.event.targetId, r.targetName, r.targetEmail) : null,
    })),
    hasMore: rows.length > AUDIT_PAGE_SIZE,
  }
}

/**
 * Bounds of one retention run (issue 19, item 13): rows go in batches of `batchSize` per statement (by
 * id, oldest first), so no single DELETE holds locks on, or returns, an unbounded number of rows; at most
 * `maxBatches` statements a run, so a backlog (a first run on an old table) is cleared over a few nights
 * instead of one long job. 1,000 × 50 = 50,000 rows a night.
 */
export const AUDIT_PRUNE_LIMITS = { batchSize: 1_000, maxBatches: 50 }

export interface PruneResult {
  deleted: number
  batches: number
  /** True when the run stopped at maxBatches with old rows possibly left for the next run. */
  more: boolean
}

/** The retention job: deletes rows older than the policy, batch by batch; says how many went. */
export async function pruneAuditEvents(
  db: Database,
  now: Date,
  { retentionDays = AUDIT_RETENTION_DAYS, batchSize = AUDIT_PRUNE_LIMITS.batchSize, maxBatches = AUDIT_PRUNE_LIMITS.maxBatches } = {},
): Promise<PruneResult> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000)
  let deleted = 0
  for (let batches = 0; batches < maxBatches;) {
    const oldest = db.select({ id: auditEvents.id }).from(auditEvents).where(lt(auditEvents.createdAt, cutoff))
      .orderBy(auditEvents.createdAt).limit(batchSize)
    const gone = await db.delete(auditEvents).where(inArray(auditEvents.id, oldest)).returning({ id: auditEvents.id })
    if (gone.length > 0) batches++
    deleted += gone.length
    if (gone.length < batchSize) return { deleted, batches, more: false }
  }
  return { deleted, batches: maxBatches, more: true }
}
