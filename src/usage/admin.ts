import { and, eq, isNull } from 'drizzle-orm'
import type { Database } from '../platform/db'
import { COUNTERS, isMetric, type Metric } from './metrics'
import { meterStub, readQuota } from './quota'
import { usageAdjustments, type UsageAdjustment } from './schema'

export interface AdjustInput {
  userId: string
  metric: Metric
  /** The meter's new value (whole number, 0 or more). */
  value: number
  actorId: string | null
  reason?: string
}

/** Sets one meter to a value and returns the value before. Setting, not adding: repeating it is harmless. */
export type SetMeter = (env: Env, userId: string, metric: Metric, value: number, now: Date) => Promise<{ before: number; after: number }>

export const setMeter: SetMeter = (env, userId, metric, value, now) => meterStub(env, userId).adjust(metric, value, now.getTime())

export interface AdjustDeps {
  db: Database
  env: Env
  /** The caller's clock (the request's, the nightly job's): the period the meter is read in, the row's appliedAt. */
  now: Date
  /** The meter call; a dependency like db and env (the default talks to the account's UsageMeter). */
  setMeter?: SetMeter
}

/**
 * Admin: sets one meter of an account, records who did it, from what, to what and why, and writes the
 * result through to Postgres at once so the pages that read Postgres agree on the next load.
 *
 * Two stores, no shared transaction, so the order is chosen to be safe to stop halfway (issue 19, 12e):
 * the record first (pending: `appliedAt` null), then the meter is *set* (not added to), then the record is
 * marked applied. A failure after the record leaves a pending row that says so; the retry (the admin
 * submitting again, or the next reconcile) finds that row for the same account and metric, sets the meter
 * again — harmless, it is a set — and completes the row instead of writing a second one. The reverse order
 * (meter first, record after) would need compensation to undo a meter change whose record failed, and an
 * unrecorded change to a meter is what the audit trail exists to rule out.
 */
export async function adjustUsage(deps: AdjustDeps, input: AdjustInput, kind: 'adjust' | 'reset' = 'adjust'): Promise<UsageAdjustment> {
  if (!isMetric(input.metric)) throw new TypeError(`Unknown metric ${JSON.stringify(input.metric)}`)
  if (!Number.isSafeInteger(input.value) || input.value < 0) throw new TypeError('A meter value is a whole number, 0 or more')
  const now = deps.now
  // A meter that never ran gets its plan first, so that its flush knows whose usage it writes.
  const live = await readQuota(deps.env, input.userId, { db: deps.db, now })
  const reason = (input.reason ?? '').slice(0, 500)
  const fields = { actorId: input.actorId, kind, before: live.usage[input.metric].used, after: input.value, reason }
  const [pending] = await deps.db.select({ id: usageAdjustments.id }).from(usageAdjustments)
    .where(and(eq(usageAdjustments.userId, input.userId), eq(usageAdjustments.metric, input.metric), isNull(usageAdjustments.appliedAt)))
    .limit(1)
  // A pending row keeps its `before`: the meter may already hold the new value if only the marking failed.
  const [recorded] = pending
    ? await deps.db.update(usageAdjustments).set({ ...fields, before: undefined }).where(eq(usageAdjustments.id, pending.id)).returning()
    : await deps.db.insert(usageAdjustments).values({ userId: input.userId, metric: input.metric, ...fields }).returning()
  const { before, after } = await (deps.setMeter ?? setMeter)(deps.env, input.userId, input.metric, input.value, now)
  const [row] = await deps.db.update(usageAdjustments)
    .set({ ...(pending ? {} : { before }), after, appliedAt: now })
    .where(eq(usageAdjustments.id, recorded.id)).returning()
  await meterStub(deps.env, input.userId).flush()
  return row
}

/** Admin: counters back to zero for the current period (gauges measure real files and stay). */
export async function resetUsage(deps: AdjustDeps, input: { userId: string; actorId: string | null; reason?: string; metrics?: Metric[] }): Promise<UsageAdjustment[]> {
  const metrics = input.metrics ?? [...COUNTERS]
  const out: UsageAdjustment[] = []
  for (const metric of metrics) out.push(await adjustUsage(deps, { userId: input.userId, metric, value: 0, actorId: input.actorId, reason: input.reason }, 'reset'))
  return out
}
