import { eq, sql } from 'drizzle-orm'
import type Stripe from 'stripe'
import type { Database } from '../platform/db'
import { billingCustomers, invoices, plans, subscriptions, type PlanRow } from './schema'
import type { Interval } from './sync'

/** Stripe's subscription, invoice and customer objects as rows of ours. Pure mapping plus upserts. */

const toDate = (seconds: number | null | undefined) => (seconds ? new Date(seconds * 1000) : null)

export class UnknownPriceError extends Error {
  constructor(priceId: string) {
    super(`Stripe price ${priceId} belongs to no plan: run syncPlansToStripe (docs/billing.md) or add the plan.`)
    this.name = 'UnknownPriceError'
  }
}

export async function findUserIdByCustomer(db: Database, customerId: string): Promise<string | null> {
  const [row] = await db.select({ userId: billingCustomers.userId }).from(billingCustomers).where(eq(billingCustomers.stripeCustomerId, customerId)).limit(1)
  return row?.userId ?? null
}

export async function findCustomerId(db: Database, userId: string): Promise<string | null> {
  const [row] = await db.select({ id: billingCustomers.stripeCustomerId }).from(billingCustomers).where(eq(billingCustomers.userId, userId)).limit(1)
  return row?.id ?? null
}

export const customerIdOf = (value: string | { id: string } | null | undefined): string | null =>
  value == null ? null : typeof value === 'string' ? value : value.id

/** The plan a Stripe price sells: stored price ids first, then our lookup key, then the metadata sync writes. */
export function planForPrice(catalogue: PlanRow[], price: Stripe.Price): { plan: PlanRow; interval: Interval } | null {
  const interval: Interval = price.recurring?.interval === 'year' ? 'year' : 'month'
  const byId = catalogue.find((p) => p.stripeMonthlyPriceId === price.id || p.stripeYearlyPriceId === price.id)
  if (byId) return { plan: byId, interval: byId.stripeYearlyPriceId === price.id ? 'year' : 'month' }
  const key = /^quickscale_(.+)_(month|year)$/.exec(price.lookup_key ?? '')
  const planId = key?.[1] ?? price.metadata?.plan_id
  const plan = catalogue.find((p) => p.id === planId)
  return plan ? { plan, interval } : null
}

/**
 * Writes Stripe's current description of a subscription. Callers pass a freshly retrieved object (or the
 * final one of a deleted subscription), so the row ends right whatever order the events came in.
 */
export async function upsertSubscription(db: Database, userId: string, sub: Stripe.Subscription, now: Date): Promise<void> {
  const item = sub.items.data[0]
  if (!item) throw new Error(`Subscription ${sub.id} has no items.`)
  const catalogue = await db.select().from(plans)
  const match = planForPrice(catalogue, item.price)
  if (!match) throw new UnknownPriceError(item.price.id)
  // API 2025-03-31 moved the period onto the item; older accounts still send it on the subscription.
  const legacy = sub as unknown as { current_period_start?: number; current_period_end?: number }
  const values = {
    id: sub.id,
    userId,
    stripeCustomerId: customerIdOf(sub.customer)!,
    planId: match.plan.id,
    interval: match.interval,
    stripeItemId: item.id,
    stripePriceId: item.price.id,
    status: sub.status,
    cancelAtPeriodEnd: sub.cancel_at_period_end || (sub.cancel_at !== null && sub.status !== 'canceled'),
    currentPeriodStart: toDate(item.current_period_start ?? legacy.current_period_start) ?? now,
    currentPeriodEnd: toDate(item.current_period_end ?? legacy.current_period_end) ?? now,
    trialEnd: toDate(sub.trial_end),
    canceledAt: toDate(sub.canceled_at),
    endedAt: toDate(sub.ended_at),
    updatedAt: now,
  }
  const { id: _id, userId: _user, ...changes } = values
  // Never moves a subscription to another account: a row of another user is left as it is (issue 19, 9).
  await db.insert(subscriptions).values(values).onConflictDoUpdate({ target: subscriptions.id, set: changes, where: eq(subscriptions.userId, userId) })
}

const INVOICE_RANK: Record<string, number> = { draft: 0, open: 1, uncollectible: 2, paid: 3, void: 3 }

export function subscriptionIdOfInvoice(invoice: Stripe.Invoice): string | null {
  const parent = invoice.parent?.subscription_details?.subscription
  const legacy = (invoice as unknown as { subscription?: string | { id: string } | null }).subscription
  return customerIdOf(parent ?? legacy ?? null)
}

/**
 * Billing history row. Invoice events carry the whole invoice; a late `invoice.finalized` after
 * `invoice.paid` must not turn a paid invoice back into an open one, so a status never moves backwards.
 */
export async function upsertInvoice(db: Database, userId: string, invoice: Stripe.Invoice, now: Date): Promise<void> {
  const values = {
    id: invoice.id!,
    userId,
    subscriptionId: subscriptionIdOfInvoice(invoice),
    number: invoice.number,
    status: invoice.status ?? 'draft',
    currency: invoice.currency,
    amountDue: invoice.amount_due,
    amountPaid: invoice.amount_paid,
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    invoicePdf: invoice.invoice_pdf ?? null,
    stripeCreatedAt: new Date(invoice.created * 1000),
    updatedAt: now,
  }
  const rank = INVOICE_RANK[values.status] ?? 1
  const { id: _id, userId: _user, ...changes } = values
  await db.insert(invoices).values(values).onConflictDoUpdate({
    target: invoices.id,
    set: changes,
    where: sql`(case ${invoices.status} when 'draft' then 0 when 'open' then 1 when 'uncollectible' then 2 when 'paid' then 3 when 'void' then 3 else 1 end) <= ${rank}`,
  })
}

export async function setPaymentFailed(db: Database, subscriptionId: string, failed: boolean, now: Date): Promise<void> {
  await db.update(subscriptions).set({ paymentFailed: failed, updatedAt: now }).where(eq(subscriptions.id, subscriptionId))
}
