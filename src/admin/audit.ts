import { and, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm'
import type { Database } from '../platform/db'
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
  since?: Date
  before?: Date
}

export async function listAuditEvents(db: Database, filter: AuditFilter, page = 1): Promise<{ rows: AuditEvent[]; hasMore: boolean }> {
  const where: SQL[] = []
  if (filter.action) where.push(sql`${auditEvents.action} like ${`${filter.action.replace(/[%_\\]/g, '\\$&')}%`}`)
  if (filter.userId) where.push(or(eq(auditEvents.actorId, filter.userId), eq(auditEvents.onBehalfOfId, filter.userId), eq(auditEvents.targetId, filter.userId))!)
  if (filter.since) where.push(gte(auditEvents.createdAt, filter.since))
  if (filter.before) where.push(lt(auditEvents.createdAt, filter.before))
  const rows = await db.select().from(auditEvents).where(and(...where))
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(AUDIT_PAGE_SIZE + 1).offset((page - 1) * AUDIT_PAGE_SIZE)
  return { rows: rows.slice(0, AUDIT_PAGE_SIZE), hasMore: rows.length > AUDIT_PAGE_SIZE }
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
