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

/**
 * Admin: sets one meter of an account, records who did it, from what, to what and why, and writes the
 * result through to Postgres at once so the pages that read Postgres agree on the next load.
 */
export async function adjustUsage(deps: { db: Database; env: Env }, input: AdjustInput, kind: 'adjust' | 'reset' = 'adjust'): Promise<UsageAdjustment> {
  if (!isMetric(input.metric)) throw new TypeError(`Unknown metric ${JSON.stringify(input.metric)}`)
  if (!Number.isSafeInteger(input.value) || input.value < 0) throw new TypeError('A meter value is a whole number, 0 or more')
  // A meter that never ran gets its plan first, so that its flush knows whose usage it writes.
  await readQuota(deps.env, input.userId, { db: deps.db })
  const stub = meterStub(deps.env, input.userId)
  const { before, after } = await stub.adjust(input.metric, input.value)
  const [row] = await deps.db.insert(usageAdjustments).values({
    userId: input.userId, actorId: input.actorId, metric: input.metric, kind, before, after, reason: (input.reason ?? '').slice(0, 500),
  }).returning()
  await stub.flush()
  return row
}

/** Admin: counters back to zero for the current period (gauges measure real files and stay). */
export async function resetUsage(deps: { db: Database; env: Env }, input: { userId: string; actorId: string | null; reason?: string; metrics?: Metric[] }): Promise<UsageAdjustment[]> {
  const metrics = input.metrics ?? [...COUNTERS]
  const out: UsageAdjustment[] = []
  for (const metric of metrics) out.push(await adjustUsage(deps, { userId: input.userId, metric, value: 0, actorId: input.actorId, reason: input.reason }, 'reset'))
  return out
}
