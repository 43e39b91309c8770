import { and, asc, gt, inArray } from 'drizzle-orm'
import { createLogger } from '../platform/logger'
import { createDb, type Database } from '../platform/db'
import type { ScheduledJob } from '../platform/feature'
import { adjustUsage } from './admin'
import { readQuota } from './quota'
import { usageMeters } from './schema'

/** What the files really hold for an account (files' getStorageSummary). */
export type GaugeSource = (db: Database, userId: string) => Promise<{ bytes: number; files: number }>

export interface Drift {
  userId: string
  metric: 'storage_bytes' | 'file_count'
  meter: number
  actual: number
}

/**
 * Bounds of one nightly run (issue 19, item 13): accounts are read in pages of `batchSize` by a keyset
 * cursor (user id > the last one, ordered by user id), never all at once; a page's work is awaited
 * before the next page is read, so at most `batchSize` accounts are in memory. A run checks at most
 * `maxAccounts` (100 × 50 = 5,000) — about two meter reads and one file-row query each, well inside a
 * cron invocation's time and subrequest limits; past that it logs where it stopped (docs/usage.md).
 */
export const RECONCILE_LIMITS = { batchSize: 100, maxAccounts: 5_000 }

export interface ReconcileOptions {
  batchSize?: number
  maxAccounts?: number
  /** Called with each page's user ids before its work: what the run looked at, in order. */
  onBatch?: (userIds: string[]) => void
}

/**
 * Compares every metered account's gauges with its real file rows, logs each drift and sets the meter to
 * the truth (recorded as an adjustment by nobody, reason "reconcile"). Drift means a crash between the
 * meter and the file row, or a bug; an upload in flight at that instant can be corrected one file
 * early, and the next run puts it right.
 */
export async function reconcileGauges(deps: { db: Database; env: Env; now: Date }, measure: GaugeSource, opts: ReconcileOptions = {}): Promise<Drift[]> {
  const { batchSize = RECONCILE_LIMITS.batchSize, maxAccounts = RECONCILE_LIMITS.maxAccounts } = opts
  const drifts: Drift[] = []
  let cursor: string | null = null
  let checked = 0
  while (checked < maxAccounts) {
    const gauges = inArray(usageMeters.metric, ['storage_bytes', 'file_count'])
    const limit = Math.min(batchSize, maxAccounts - checked)
    const page = await deps.db.selectDistinct({ userId: usageMeters.userId }).from(usageMeters)
      .where(cursor === null ? gauges : and(gauges, gt(usageMeters.userId, cursor)))
      .orderBy(asc(usageMeters.userId)).limit(limit)
    if (page.length === 0) return drifts
    opts.onBatch?.(page.map((a) => a.userId))
    for (const { userId } of page) drifts.push(...await reconcileAccount(deps, measure, userId))
    checked += page.length
    cursor = page[page.length - 1].userId
    if (page.length < limit) return drifts
  }
  createLogger().warn('usage reconcile bound reached', { checked, lastUserId: cursor })
  return drifts
}

async function reconcileAccount(deps: { db: Database; env: Env; now: Date }, measure: GaugeSource, userId: string): Promise<Drift[]> {
  const [live, real] = await Promise.all([readQuota(deps.env, userId, { db: deps.db, now: deps.now }), measure(deps.db, userId)])
  const pairs = [['storage_bytes', live.usage.storage_bytes.used, real.bytes], ['file_count', live.usage.file_count.used, real.files]] as const
  const drifts: Drift[] = []
  for (const [metric, meter, actual] of pairs) {
    if (meter === actual) continue
    drifts.push({ userId, metric, meter, actual })
    createLogger().warn('usage drift', { userId, metric, meter, actual })
    await adjustUsage(deps, { userId, metric, value: actual, actorId: null, reason: 'reconcile' })
  }
  return drifts
}

/** The nightly job; the cron expression must match wrangler.toml's [triggers] crons. */
export function createReconcileJob(measure: GaugeSource, cron = '17 3 * * *'): ScheduledJob {
  return {
    cron,
    name: 'usage-reconcile',
    run: async (controller, env) => {
      const handle = createDb(env)
      try {
        const drifts = await reconcileGauges({ db: handle.db, env, now: new Date(controller.scheduledTime) }, measure)
        createLogger().info('usage reconcile done', { drifts: drifts.length })
      } finally {
        await handle.close()
      }
    },
  }
}
