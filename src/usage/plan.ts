import type { Database } from '../platform/db'
import { calendarMonth } from './period'
import type { QuotaLimits } from './metrics'
import type { PlanForMeter } from './meter'

/**
 * Free limits, used until billing's plans are merged (then `getAccountPlan` decides). Kept small so a
 * developer sees a 429 without scripting a million requests.
 */
export const FALLBACK_LIMITS: QuotaLimits = { storageBytes: 100 * 1000 * 1000, fileCount: 100, uploadsPerMonth: 100, apiRequestsPerMonth: 1000 }

/** What the meter needs from the account's plan: limits and the current period. */
export async function loadPlanForMeter(db: Database, userId: string, now: Date): Promise<PlanForMeter> {
  void db
  const period = calendarMonth(now.getTime())
  return { userId, limits: FALLBACK_LIMITS, periodStart: period.start, periodEnd: period.end }
}
