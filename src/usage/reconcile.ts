import { inArray } from 'drizzle-orm'
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
 * Compares every metered account's gauges with its real file rows, logs each drift and sets the meter to
 * the truth (recorded as an adjustment by nobody, reason "reconcile"). Drift means a crash between the
 * meter and the file row, or a bug; an upload in flight at that instant can be corrected one file
 * early, and the next run puts it right.
 */
export async function reconcileGauges(deps: { db: Database; env: Env }, measure: GaugeSource): Promise<Drift[]> {
  const accounts = await deps.db.selectDistinct({ userId: usageMeters.userId }).from(usageMeters)
    .where(inArray(usageMeters.metric, ['storage_bytes', 'file_count']))
  const drifts: Drift[] = []
  for (const { userId } of accounts) {
    const [live, real] = await Promise.all([readQuota(deps.env, userId, { db: deps.db }), measure(deps.db, userId)])
    const pairs = [['storage_bytes', live.usage.storage_bytes.used, real.bytes], ['file_count', live.usage.file_count.used, real.files]] as const
    for (const [metric, meter, actual] of pairs) {
      if (meter === actual) continue
      drifts.push({ userId, metric, meter, actual })
      createLogger().warn('usage drift', { userId, metric, meter, actual })
      await adjustUsage(deps, { userId, metric, value: actual, actorId: null, reason: 'reconcile' })
    }
  }
  return drifts
}

/** The nightly job; the cron expression must match wrangler.toml's [triggers] crons. */
export function createReconcileJob(measure: GaugeSource, cron = '17 3 * * *'): ScheduledJob {
  return {
    cron,
    name: 'usage-reconcile',
    run: async (_controller, env) => {
      const handle = createDb(env)
      try {
        const drifts = await reconcileGauges({ db: handle.db, env }, measure)
        createLogger().info('usage reconcile done', { drifts: drifts.length })
      } finally {
        await handle.close()
      }
    },
  }
}
