import { sql } from 'drizzle-orm'
import { createLogger } from '../platform/logger'
import { createDb } from '../platform/db'
import { getUserById } from '../auth'
import { sendEmail } from '../email'
import { isMeterName, meterNoun, type MeterName } from './metrics'
import { usageMeters, usageRecords } from './schema'

export type DailyRow = {
  metric: string
  day: string
  amount: number
}

export type PendingWarning = {
  metric: string
  periodStart: number
  used: number
  limit: number
}

export interface MeterSnapshot {
  userId: string
  periodStart: number
  periodEnd: number
  days: DailyRow[]
  meters: Array<{ metric: MeterName; used: number; limit: number | null }>
}

/**
 * One flush of a UsageMeter: changed days and the live figures, as absolute values (upserts that
 * overwrite), so a retried or repeated flush leaves Postgres exactly as one would. One transaction: the
 * usage page never sees days from one flush beside figures from another.
 */
export async function writeMeterSnapshot(env: Env, snapshot: MeterSnapshot): Promise<void> {
  const { db, close } = createDb(env)
  try {
    const now = new Date()
    await db.transaction(async (tx) => {
      if (snapshot.days.length > 0) {
        await tx.insert(usageRecords)
          .values(snapshot.days.map((d) => ({ userId: snapshot.userId, metric: d.metric, day: d.day, amount: d.amount, updatedAt: now })))
          .onConflictDoUpdate({
            target: [usageRecords.userId, usageRecords.metric, usageRecords.day],
            set: { amount: sql`excluded.amount`, updatedAt: sql`excluded.updated_at` },
          })
      }
      await tx.insert(usageMeters)
        .values(snapshot.meters.map((m) => ({
          userId: snapshot.userId, metric: m.metric, used: m.used, limit: m.limit,
          periodStart: new Date(snapshot.periodStart), periodEnd: new Date(snapshot.periodEnd), updatedAt: now,
        })))
        .onConflictDoUpdate({
          target: [usageMeters.userId, usageMeters.metric],
          set: {
            used: sql`excluded.used`, limit: sql`excluded."limit"`, periodStart: sql`excluded.period_start`,
            periodEnd: sql`excluded.period_end`, updatedAt: sql`excluded.updated_at`,
          },
        })
    })
  } finally {
    await close()
  }
}

/**
 * The 80% mail (template quota-warning), once per metric and period: the object records the crossing in
 * the same write as the usage, and marks it mailed only after the mail is queued. Returns those queued.
 */
export async function sendQuotaWarnings(env: Env, userId: string, warnings: PendingWarning[]): Promise<PendingWarning[]> {
  const { db, close } = createDb(env)
  const sent: PendingWarning[] = []
  try {
    const user = await getUserById(db, userId)
    // An account deleted meanwhile: nothing to send, nothing to retry.
    if (!user) return warnings
    for (const w of warnings) {
      if (!isMeterName(w.metric)) { sent.push(w); continue }
      try {
        await sendEmail({ db, queue: env.EMAIL }, {
          template: 'quota-warning',
          to: user.email,
          props: {
            name: user.name, metric: w.metric === 'storage_bytes' ? 'storage' : meterNoun(w.metric), used: w.used, limit: w.limit,
            percent: (w.used / w.limit) * 100, upgradeUrl: new URL('/pricing', env.APP_URL).toString(),
            // Sizes print as sizes (formatBytes), not as a count of bytes.
            unit: w.metric === 'storage_bytes' ? 'bytes' : 'count',
          },
        })
        sent.push(w)
      } catch (err) {
        createLogger().error('quota warning not queued', { metric: w.metric, error: err })
      }
    }
    return sent
  } finally {
    await close()
  }
}
