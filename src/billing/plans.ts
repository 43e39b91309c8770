import { and, asc, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm'
import { prepareOnce, type Database } from '../platform/db'
import { plans, subscriptions, type PlanRow } from './schema'

/** Per-period limits a plan grants (usage enforces them; docs/usage.md). */
export type QuotaLimits = {
  storageBytes: number
  fileCount: number
  uploadsPerMonth: number
  apiRequestsPerMonth: number
  /** The limits of the meters features declare (plans.meter_limits): metric → limit, -1 = none. */
  meters?: Record<string, number>
}

export type PlanId = 'free' | 'pro' | 'business' | (string & {})

export type AccountPlan = {
  planId: PlanId
  name: string
  limits: QuotaLimits
  status: string
  periodStart: Date
  periodEnd: Date
}

export const FREE_PLAN_ID = 'free'

/**
 * Subscription statuses that still grant the paid plan. past_due keeps it while Stripe retries the
 * payment (the banner asks the user to fix it); incomplete, unpaid, canceled and paused fall back to Free.
 */
export const LIVE_STATUSES = ['active', 'trialing', 'past_due'] as const

/**
 * Subscriptions that still exist at Stripe and can charge or be managed: the live ones plus those waiting
 * on a first payment (incomplete), given up on by dunning (unpaid) or paused. The billing page offers to
 * manage them; account deletion cancels them.
 */
export const OPEN_STATUSES = [...LIVE_STATUSES, 'incomplete', 'unpaid', 'paused'] as const

export function limitsOf(plan: Pick<PlanRow, 'storageBytes' | 'fileCount' | 'uploadsPerMonth' | 'apiRequestsPerMonth'> & { meterLimits?: Record<string, number> }): QuotaLimits {
  return {
    storageBytes: plan.storageBytes, fileCount: plan.fileCount, uploadsPerMonth: plan.uploadsPerMonth, apiRequestsPerMonth: plan.apiRequestsPerMonth,
    meters: { ...plan.meterLimits },
  }
}

/** Free accounts count their quotas per calendar month, in UTC. */
export function calendarMonth(now: Date): { periodStart: Date; periodEnd: Date } {
  const periodStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
  const periodEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))
  return { periodStart, periodEnd }
}

/** Active plans, cheapest first: the catalogue for the home page, /pricing and checkout. */
export function listPlans(db: Database): Promise<PlanRow[]> {
  return db.select().from(plans).where(eq(plans.active, true)).orderBy(asc(plans.sortOrder), asc(plans.monthlyPrice))
}

// The catalogue changes only with a migration, while the home page and /pricing are public pages that
// should cost no database trip (issue 8). Each isolate keeps it for a minute; checkout and quota checks
// read the table itself (getPlan, getAccountPlan), so a price change never charges a stale amount.
const CATALOGUE_TTL_MS = 60_000
const catalogueCache = new Map<string, { rows: PlanRow[]; expires: number }>()

/** listPlans for display, cached per isolate for a minute. `cacheKey` separates databases (DATABASE_URL). */
export async function listPlansForDisplay(db: Database, cacheKey: string, now: number): Promise<PlanRow[]> {
  const hit = catalogueCache.get(cacheKey)
  if (hit && hit.expires > now) return hit.rows
  const rows = await listPlans(db)
  catalogueCache.set(cacheKey, { rows, expires: now + CATALOGUE_TTL_MS })
  return rows
}

export async function getPlan(db: Database, planId: string): Promise<PlanRow | null> {
  const [row] = await db.select().from(plans).where(eq(plans.id, planId)).limit(1)
  return row ?? null
}

/**
 * The plan a user is on right now and the period its quotas count in: the live subscription's plan and
 * billing period, or Free with the current calendar month. One query (Free row and the subscription
 * joined, the subscription wins).
 */
// Its SQL is built once per isolate (issue 23): the dashboard and every metered check ask for it.
const accountPlanQuery = prepareOnce<{ plan: PlanRow; status: string | null; periodStart: Date | null; periodEnd: Date | null }>('account_plan', (db) => db
  .select({
    plan: plans,
    status: subscriptions.status,
    periodStart: subscriptions.currentPeriodStart,
    periodEnd: subscriptions.currentPeriodEnd,
  })
  .from(plans)
  .leftJoin(
    subscriptions,
    and(eq(subscriptions.planId, plans.id), eq(subscriptions.userId, sql.placeholder('userId')), inArray(subscriptions.status, [...LIVE_STATUSES])),
  )
  .where(or(eq(plans.id, FREE_PLAN_ID), sql`${subscriptions.id} is not null`))
  // The subscription row first; among several live ones (should not happen), the latest.
  .orderBy(sql`${subscriptions.id} is null`, desc(subscriptions.currentPeriodEnd))
  .limit(1))

export async function getAccountPlan(db: Database, userId: string, now: Date): Promise<AccountPlan> {
  const rows = await accountPlanQuery(db, { userId })
  const row = rows[0]
  if (row === undefined) throw new Error('The plans table has no "free" plan: run the migrations (drizzle/) first.')
  if (row.status !== null && row.periodStart !== null && row.periodEnd !== null) {
    return { planId: row.plan.id, name: row.plan.name, limits: limitsOf(row.plan), status: row.status, periodStart: row.periodStart, periodEnd: row.periodEnd }
  }
  return { planId: row.plan.id, name: row.plan.name, limits: limitsOf(row.plan), status: 'free', ...calendarMonth(now) }
}

/** The live subscription of a user, if any (at most one: checkout refuses a second, plan changes update it). */
export async function getLiveSubscription(db: Database, userId: string) {
  const [row] = await db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.userId, userId), inArray(subscriptions.status, [...OPEN_STATUSES]), isNull(subscriptions.endedAt)))
    .orderBy(desc(subscriptions.currentPeriodEnd))
    .limit(1)
  return row ?? null
}
