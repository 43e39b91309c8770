import type { Database } from '../platform/db'
import { getAccountPlan } from '../billing'
import type { PlanForMeter } from './meter'

/**
 * What the meter needs from the account's plan: limits and the current period (billing decides both;
 * the meter only receives them as data and knows nothing of Stripe).
 */
export async function loadPlanForMeter(db: Database, userId: string, now: Date): Promise<PlanForMeter> {
  const plan = await getAccountPlan(db, userId, now)
  return { userId, limits: plan.limits, periodStart: plan.periodStart.getTime(), periodEnd: plan.periodEnd.getTime() }
}
