import type Stripe from 'stripe'
import { getLiveSubscription } from './plans'
import type { PlanRow, SubscriptionRow } from './schema'
import { resolvePriceId, type Interval } from './sync'
import { BillingInputError, syncSubscription, type ManageDeps } from './manage'
import type { EmailMessage } from '../email'

/**
 * What a plan change or a cancellation will charge, from Stripe's invoice preview (docs/billing.md,
 * "Confirming a change"). The confirmation page shows it; the update then passes the same proration date,
 * so Stripe bills exactly the previewed prorations (https://docs.stripe.com/api/invoices/create_preview).
 */

/** Prorations go on the next invoice, as before previews existed; an interval change is billed at once by Stripe. */
export const PRORATION_BEHAVIOR = 'create_prorations' as const

/** How long a preview's price holds: a confirmation older than this is sent back to review the change again. */
export const PREVIEW_VALID_SECONDS = 3600

export interface ChargePreview {
  currency: string
  /** Charged when the change is confirmed (minor units); 0 when everything waits for the next invoice. */
  dueNow: number
  /** The next invoice after the change; null when nothing more will be charged. */
  next: { date: Date; amount: number } | null
  /** Stripe's proration lines (credit for unused time, charge for the remaining time), as Stripe words them. */
  prorations: Array<{ description: string; amount: number }>
  prorationTotal: number
}

export interface PlanChangePreview {
  plan: PlanRow
  interval: Interval
  current: SubscriptionRow
  prorationDate: number
  charge: ChargePreview
}

export interface CancelPreview {
  current: SubscriptionRow
  /** A final invoice for prorations still pending from earlier changes; null when nothing more is charged. */
  finalInvoice: { date: Date; amount: number; currency: string } | null
}

const toDate = (seconds: number) => new Date(seconds * 1000)

/**
 * Reads a preview invoice. Stripe's preview is either the invoice the change makes at once (an interval
 * change restarts the billing period) or the subscription's next invoice, which carries the prorations. An
 * invoice's `period_end` is the end of the usage period it closes: the current period's end for the next
 * invoice, the proration date for one made at once — so it tells the two apart, and dates the next invoice
 * (Stripe then tries the payment about an hour later, `next_payment_attempt`).
 */
export function summarisePreview(invoice: Stripe.Invoice, currentPeriodEnd: Date): ChargePreview {
  const lines = invoice.lines.data
  const prorations = lines.filter((l) => l.parent?.subscription_item_details?.proration === true).map((l) => ({ description: l.description ?? 'Proration', amount: l.amount }))
  const prorationTotal = prorations.reduce((sum, l) => sum + l.amount, 0)
  const immediate = invoice.period_end < Math.floor(currentPeriodEnd.getTime() / 1000)
  if (!immediate) {
    return { currency: invoice.currency, dueNow: 0, next: { date: toDate(invoice.period_end), amount: invoice.amount_due }, prorations, prorationTotal }
  }
  // Billed now; the next invoice is the new period's price when the period this invoice opens ends.
  const period = lines.find((l) => l.parent?.subscription_item_details?.proration !== true)
  return {
    currency: invoice.currency, dueNow: invoice.amount_due, prorations, prorationTotal,
    next: period ? { date: toDate(period.period.end), amount: period.amount } : null,
  }
}

/** The checks a plan change passes before Stripe is asked anything (the preview and the confirmation alike). */
async function changeableSubscription(deps: ManageDeps, userId: string, plan: PlanRow, interval: Interval): Promise<SubscriptionRow> {
  const current = await getLiveSubscription(deps.db, userId)
  if (!current) throw new BillingInputError('You have no subscription to change. Choose a plan on the pricing page.', 409)
  if (current.planId === plan.id && current.interval === interval && !current.cancelAtPeriodEnd) {
    throw new BillingInputError(`You are already on ${plan.name} (${interval === 'year' ? 'yearly' : 'monthly'}).`, 409)
  }
  return current
}

export async function previewPlanChange(deps: ManageDeps, userId: string, plan: PlanRow, interval: Interval): Promise<PlanChangePreview> {
  const current = await changeableSubscription(deps, userId, plan, interval)
  const price = await resolvePriceId(deps.db, deps.stripe, plan, interval)
  const prorationDate = Math.floor(deps.now.getTime() / 1000)
  const invoice = await deps.stripe.invoices.createPreview({
    customer: current.stripeCustomerId,
    subscription: current.id,
    subscription_details: { items: [{ id: current.stripeItemId, price }], proration_behavior: PRORATION_BEHAVIOR, proration_date: prorationDate, cancel_at_period_end: false },
  })
  return { plan, interval, current, prorationDate, charge: summarisePreview(invoice, current.currentPeriodEnd) }
}

/**
 * What the confirmation form carries back, checked before Stripe is called: the subscription must still be
 * on the price the preview started from (another tab may have changed it), and the proration date must be
 * the preview's — not in the future, at most PREVIEW_VALID_SECONDS old — since a made-up date would move
 * the prorated amounts.
 */
export interface ConfirmedChange {
  prorationDate: number
  fromPriceId: string
}

async function checkConfirmedChange(deps: ManageDeps, userId: string, plan: PlanRow, interval: Interval, confirmed: ConfirmedChange): Promise<{ current: SubscriptionRow; price: string }> {
  const current = await changeableSubscription(deps, userId, plan, interval)
  if (current.stripePriceId !== confirmed.fromPriceId) throw new BillingInputError('Your subscription changed since you reviewed this change. Please review it again.', 409)
  const nowSeconds = Math.floor(deps.now.getTime() / 1000)
  if (confirmed.prorationDate > nowSeconds + 60 || confirmed.prorationDate < nowSeconds - PREVIEW_VALID_SECONDS) {
    throw new BillingInputError('The price shown for this change has expired. Please review the change again.', 409)
  }
  return { current, price: await resolvePriceId(deps.db, deps.stripe, plan, interval) }
}

/**
 * Updates the existing subscription to the confirmed plan or interval (never a second checkout), with the
 * preview's proration date, so Stripe bills what the confirmation page showed. The idempotency key names
 * the exact change: a double-submitted confirmation replays Stripe's first answer instead of a second update.
 */
export async function changePlan(deps: ManageDeps, userId: string, plan: PlanRow, interval: Interval, confirmed: ConfirmedChange): Promise<EmailMessage[]> {
  const { current, price } = await checkConfirmedChange(deps, userId, plan, interval, confirmed)
  const updated = await deps.stripe.subscriptions.update(current.id, {
    items: [{ id: current.stripeItemId, price }],
    proration_behavior: PRORATION_BEHAVIOR,
    proration_date: confirmed.prorationDate,
    cancel_at_period_end: false,
    metadata: { user_id: userId, plan_id: plan.id },
  }, { idempotencyKey: `plan-change-${current.id}-${price}-${confirmed.prorationDate}` })
  return syncSubscription(deps, userId, updated, 'billing.plan_change')
}

/**
 * Cancelling at period end: nothing more is charged unless earlier changes left prorations pending, which
 * Stripe bills on a final invoice. With nothing pending Stripe has no invoice to preview and says so
 * (`invoice_upcoming_none`), which is the usual answer.
 */
export async function previewCancel(deps: ManageDeps, userId: string): Promise<CancelPreview> {
  const current = await getLiveSubscription(deps.db, userId)
  if (!current) throw new BillingInputError('You have no active subscription.', 409)
  if (current.cancelAtPeriodEnd) throw new BillingInputError('Your subscription is already set to end.', 409)
  try {
    const invoice = await deps.stripe.invoices.createPreview({ customer: current.stripeCustomerId, subscription: current.id, subscription_details: { cancel_at_period_end: true } })
    const finalInvoice = invoice.amount_due > 0 ? { date: toDate(invoice.period_end), amount: invoice.amount_due, currency: invoice.currency } : null
    return { current, finalInvoice }
  } catch (err) {
    if ((err as { code?: string }).code === 'invoice_upcoming_none') return { current, finalInvoice: null }
    throw err
  }
}
