import type { Feature } from '../platform/feature'
import type { QuotaLimits } from './plans'
import { billingRoutes } from './routes'
import { cancelStripeOnDeletion, PAYMENT_FAILED_FIELD, paymentFailedBanner, paymentFailedField, planCard, planFilter, planBadge, pricingTeaser, PLAN_SUMMARY_FIELD, planSummaryField, subscriptionsPanel, userBillingSection } from './contributions'

// Billing's public entry (docs/billing.md, ADR 0006): the Feature, plus what other features may call.
export { getAccountPlan, listPlans, listPlansForDisplay, getPlan, calendarMonth, limitsOf, FREE_PLAN_ID } from './plans'
export type { AccountPlan, QuotaLimits, PlanId } from './plans'
export type { PlanRow } from './schema'
export { syncPlansToStripe, listPricesByLookupKeys } from './sync'
export { createStripeClient, readStripeConfig } from './stripe'
// For `quickscale stripe setup`: the events the webhook handles and the portal the kit expects, defined once.
export { HANDLED_EVENTS } from './webhook'
export { ensurePortalConfiguration } from './manage'
export { formatPrice } from './format'

declare module '../platform/feature' {
  interface AppEvents {
    /** A user's effective plan or billing period changed (checkout, plan change, cancellation, lapse). */
    'billing.plan_changed': { userId: string; planId: string; limits: QuotaLimits; periodStart: Date; periodEnd: Date }
  }
}

export const billingFeature: Feature = {
  name: 'billing',
  routes: billingRoutes,
  // Authenticated by its Stripe signature, not by a cookie.
  csrfExemptPaths: ['/billing/webhook'],
  nav: [
    { href: '/pricing', label: 'Pricing', audience: 'everyone', position: 'start', order: 20 },
    { href: '/billing', label: 'Billing', audience: 'user', position: 'sidebar', icon: 'credit-card', order: 40 },
  ],
  dashboardCards: [planCard],
  homeSections: [pricingTeaser],
  adminPanels: [subscriptionsPanel],
  adminUserSections: [userBillingSection],
  adminUserFilters: [planFilter],
  accountCleanups: [cancelStripeOnDeletion],
  banners: [paymentFailedBanner],
  accountBadges: [planBadge],
  viewerFields: { [PAYMENT_FAILED_FIELD]: paymentFailedField, [PLAN_SUMMARY_FIELD]: planSummaryField },
}
