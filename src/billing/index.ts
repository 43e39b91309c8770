import type { Feature } from '../platform/feature'
import type { QuotaLimits } from './plans'

// Billing's public entry (CONTRACTS.md): the Feature, plus what other features may call.
export { getAccountPlan, listPlans, getPlan, calendarMonth, limitsOf, FREE_PLAN_ID } from './plans'
export type { AccountPlan, QuotaLimits, PlanId } from './plans'
export type { PlanRow } from './schema'

declare module '../platform/feature' {
  interface AppEvents {
    /** A user's effective plan or billing period changed (checkout, plan change, cancellation, lapse). */
    'billing.plan_changed': { userId: string; planId: string; limits: QuotaLimits; periodStart: Date; periodEnd: Date }
  }
}

export const billingFeature: Feature = {
  name: 'billing',
  csrfExemptPaths: ['/billing/webhook'],
}
