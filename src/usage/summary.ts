import { and, desc, eq, gte, sql } from 'drizzle-orm'
import { prepareOnce, type Database } from '../platform/db'
import type { MeterDeclaration } from '../platform/feature'
import { personFields } from '../auth'
import { getAccountPlan } from '../billing'
import type { PersonRef } from '../platform/admin-ui'
import { GAUGES, METRICS, enforcedLimit, type MeterName, type Metric } from './metrics'
import { utcDay } from './period'
import { usageAdjustments, usageMeters, usageRecords, type UsageAdjustment } from './schema'

export interface MeterFigure {
  used: number
  limit: number | null
  /** 0–100, rounded down; null without a limit. */
  percent: number | null
}

export interface UsageSummary {
  planName: string
  periodStart: Date
  periodEnd: Date
  meters: Record<Metric, MeterFigure>
  /** The meters features declare (Feature.meters), in the registry's order. */
  featureMeters: Array<{ metric: string; label: string; figure: MeterFigure }>
  /** When the meter last wrote to Postgres (null: never used). */
  updatedAt: Date | null
}

/**
 * A user's figures as Postgres has them (the meter flushes within seconds): limits from billing's plan,
 * used from usage_meters. Counters flushed in an earlier period count as zero in the current one. Two
 * queries, in parallel. `declared`: the registry's feature meters (a metric the plan does not list has
 * limit 0, as the meter enforces it).
 */
// Built once per isolate (issue 23): the dashboard's usage card asks on every visit.
const metersOfUser = prepareOnce<typeof usageMeters.$inferSelect>('usage_meters_of_user', (db) => db.select().from(usageMeters).where(eq(usageMeters.userId, sql.placeholder('userId'))))

export async function getUsageSummary(db: Database, userId: string, now: Date, declared: readonly MeterDeclaration[] = []): Promise<UsageSummary> {
  const [plan, rows] = await Promise.all([
    getAccountPlan(db, userId, now),
    metersOfUser(db, { userId }),
  ])
  let updatedAt: Date | null = null
  const figure = (metric: MeterName): MeterFigure => {
    const row = rows.find((r) => r.metric === metric)
    if (row && (updatedAt === null || row.updatedAt > updatedAt)) updatedAt = row.updatedAt
    const stale = row !== undefined && !GAUGES.has(metric) && row.periodEnd.getTime() <= plan.periodStart.getTime()
    const used = row === undefined || stale ? 0 : row.used
    const limit = enforcedLimit(plan.limits, metric)
    return { used, limit, percent: limit === null ? null : limit === 0 ? 100 : Math.min(100, Math.floor((used / limit) * 100)) }
  }
  const meters = Object.fromEntries(METRICS.map((metric) => [metric, figure(metric)])) as Record<Metric, MeterFigure>
  const featureMeters = declared.map((m) => ({ metric: m.metric, label: m.label, figure: figure(m.metric) }))
  return { planName: plan.name, periodStart: plan.periodStart, periodEnd: plan.periodEnd, meters, featureMeters, updatedAt }
}

export interface DayFigure {
  day: string
  amount: number
}

/**
 * The last `days` days per metric, oldest first, every day present: counters show 0 on a quiet day,
 * gauges carry the last known level forward (a day without a change kept the level it had).
 */
export async function getDailyUsage(db: Database, userId: string, now: Date, days = 30): Promise<Record<Metric, DayFigure[]>> {
  const first = utcDay(now.getTime() - (days - 1) * 86_400_000)
  const [rows, before] = await Promise.all([
    db.select({ metric: usageRecords.metric, day: usageRecords.day, amount: usageRecords.amount })
      .from(usageRecords).where(and(eq(usageRecords.userId, userId), gte(usageRecords.day, first))),
    // Each gauge's level on the last day before the window, to start the line from.
    db.selectDistinctOn([usageRecords.metric], { metric: usageRecords.metric, amount: usageRecords.amount })
      .from(usageRecords)
      .where(and(eq(usageRecords.userId, userId), sql`${usageRecords.day} < ${first}`, sql`${usageRecords.metric} in ('storage_bytes', 'file_count')`))
      .orderBy(usageRecords.metric, desc(usageRecords.day)),
  ])
  const out = {} as Record<Metric, DayFigure[]>
  for (const metric of METRICS) {
    const byDay = new Map(rows.filter((r) => r.metric === metric).map((r) => [r.day, r.amount]))
    let level = before.find((b) => b.metric === metric)?.amount ?? 0
    out[metric] = Array.from({ length: days }, (_, i) => {
      const day = utcDay(now.getTime() - (days - 1 - i) * 86_400_000)
      const recorded = byDay.get(day)
      if (GAUGES.has(metric)) {
        if (recorded !== undefined) level = recorded
        return { day, amount: level }
      }
      return { day, amount: recorded ?? 0 }
    })
  }
  return out
}

/** An adjustment with the admin who made it, by name and email (issue 20: people, not ids). */
export type AdjustmentRow = UsageAdjustment & { actor: PersonRef | null }

/** An account's adjustment history, newest first (admin user page); the admins' names from the same query. */
export async function listUsageAdjustments(db: Database, userId: string, limit = 20): Promise<AdjustmentRow[]> {
  const actor = personFields(usageAdjustments.actorId)
  const rows = await db.select({ adjustment: usageAdjustments, name: actor.name, email: actor.email }).from(usageAdjustments)
    .where(eq(usageAdjustments.userId, userId)).orderBy(desc(usageAdjustments.createdAt)).limit(limit)
  return rows.map((r) => ({ ...r.adjustment, actor: r.adjustment.actorId ? { id: r.adjustment.actorId, name: r.name, email: r.email } : null }))
}

/**
 * Site-wide figures for the admin overview: this month's API requests and the heaviest accounts, each
 * named (auth's personFields, in the same query: the overview keeps its one round trip for data).
 */
export async function getUsageOverview(db: Database): Promise<{ top: Array<{ person: PersonRef; used: number; limit: number | null }>; nearLimit: number }> {
  const who = personFields(usageMeters.userId)
  const [top, [near]] = await Promise.all([
    db.select({ userId: usageMeters.userId, name: who.name, email: who.email, used: usageMeters.used, limit: usageMeters.limit })
      .from(usageMeters).where(eq(usageMeters.metric, 'api_requests')).orderBy(desc(usageMeters.used)).limit(5),
    db.select({ accounts: sql<number>`count(distinct ${usageMeters.userId})`.mapWith(Number) })
      .from(usageMeters).where(sql`${usageMeters.limit} > 0 and ${usageMeters.used} >= 0.8 * ${usageMeters.limit}`),
  ])
  return { top: top.map((t) => ({ person: { id: t.userId, name: t.name, email: t.email }, used: t.used, limit: t.limit })), nearLimit: near?.accounts ?? 0 }
}
