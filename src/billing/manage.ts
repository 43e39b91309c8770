import { and, desc, eq, inArray, isNull } from 'drizzle-orm'
import { HTTPException } from 'hono/http-exception'
import { createLogger } from '../platform/logger'
import type Stripe from 'stripe'
import type { Database } from '../platform/db'
import { sendEmail, type EmailMessage } from '../email'
import { applyBillingChange, PlanAnnouncementError, writeSubscription, type ApplyDeps } from './apply'
import { getLiveSubscription } from './plans'
import { findCustomerId } from './records'
import { billingCustomers, invoices, subscriptions, type PlanRow } from './schema'
import { resolvePriceId, type Interval } from './sync'

/** A refusal the user can act on (shown as a 4xx message), as opposed to Stripe being unreachable. */
export class BillingInputError extends Error {
  constructor(message: string, readonly status: 400 | 404 | 409 = 400) {
    super(message)
    this.name = 'BillingInputError'
  }
}

export interface ManageDeps extends ApplyDeps {
  stripe: Stripe
}

/**
 * Starts a Stripe Checkout for a paid plan. Reuses the user's Stripe customer or creates one (an
 * idempotency key per user, so a double click or a retry after a timeout gets the same customer). The
 * customer id comes from our table, never from the request. The mapping row is written only once Stripe
 * has answered for both calls: a failure leaves no half-created rows.
 */
export async function startCheckout(deps: ManageDeps, user: { id: string; email: string; name: string }, plan: PlanRow, interval: Interval): Promise<string> {
  const { db, stripe } = deps
  let customerId = await findCustomerId(db, user.id)
  const isNew = customerId === null
  if (customerId === null) {
    const customer = await stripe.customers.create({ email: user.email, name: user.name, metadata: { user_id: user.id } }, { idempotencyKey: `customer-${user.id}` })
    customerId = customer.id
  }
  const price = await resolvePriceId(db, stripe, plan, interval)
  const appUrl = deps.env.APP_URL.replace(/\/$/, '')
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customerId,
    line_items: [{ price, quantity: 1 }],
    allow_promotion_codes: true,
    client_reference_id: user.id,
    metadata: { user_id: user.id, plan_id: plan.id, interval },
    subscription_data: { metadata: { user_id: user.id, plan_id: plan.id } },
    success_url: `${appUrl}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${appUrl}/billing/cancel`,
  })
  if (isNew) await db.insert(billingCustomers).values({ userId: user.id, stripeCustomerId: customerId }).onConflictDoNothing()
  if (!session.url) throw new Error('Stripe returned a checkout session without a URL.')
  return session.url
}

/** Updates the existing subscription to another plan or interval (Stripe prorates); never a second checkout. */
export async function changePlan(deps: ManageDeps, userId: string, plan: PlanRow, interval: Interval): Promise<EmailMessage[]> {
  const current = await getLiveSubscription(deps.db, userId)
  if (!current) throw new BillingInputError('You have no subscription to change. Choose a plan on the pricing page.', 409)
  if (current.planId === plan.id && current.interval === interval && !current.cancelAtPeriodEnd) {
    throw new BillingInputError(`You are already on ${plan.name} (${interval === 'year' ? 'yearly' : 'monthly'}).`, 409)
  }
  const price = await resolvePriceId(deps.db, deps.stripe, plan, interval)
  const updated = await deps.stripe.subscriptions.update(current.id, {
    items: [{ id: current.stripeItemId, price }],
    proration_behavior: 'create_prorations',
    cancel_at_period_end: false,
    metadata: { user_id: userId, plan_id: plan.id },
  })
  return syncSubscription(deps, userId, updated, 'billing.plan_change')
}

/** Cancel at period end, or undo it. The user keeps the plan until the period ends either way. */
export async function setCancelAtPeriodEnd(deps: ManageDeps, userId: string, cancel: boolean): Promise<EmailMessage[]> {
  const current = await getLiveSubscription(deps.db, userId)
  if (!current) throw new BillingInputError('You have no active subscription.', 409)
  if (current.cancelAtPeriodEnd === cancel) throw new BillingInputError(cancel ? 'Your subscription is already set to end.' : 'Your subscription is not set to end.', 409)
  const updated = await deps.stripe.subscriptions.update(current.id, { cancel_at_period_end: cancel })
  return syncSubscription(deps, userId, updated, cancel ? 'billing.cancel' : 'billing.resume')
}

/** Writes a subscription Stripe just returned to us (same path as a webhook, minus the event id). */
export async function syncSubscription(deps: ApplyDeps, userId: string, sub: Stripe.Subscription, action: string): Promise<EmailMessage[]> {
  try {
    const mails = await applyBillingChange(deps, userId, action, { subscriptionId: sub.id }, async (ctx) => {
      await writeSubscription(ctx, userId, sub, deps.now)
      return true
    })
    return mails ?? []
  } catch (err) {
    // Committed, and Stripe has the change: the person sees it done. The meter keeps the old limits until
    // Stripe's next event for this account is replayed or changes the plan (docs/billing.md).
    if (!(err instanceof PlanAnnouncementError)) throw err
    createLogger().error('billing: plan announcement failed after commit', { userId, action, error: err.cause })
    return err.mails
  }
}

/**
 * The success page: the session is read back from Stripe (the URL's id alone proves nothing) and must belong
 * to this user's customer. Its subscription is written at once, so /billing is right even before the webhook.
 */
export async function confirmCheckout(deps: ManageDeps, userId: string, sessionId: string): Promise<{ planName: string | null; paid: boolean; mails: EmailMessage[] }> {
  if (!/^cs_[A-Za-z0-9_]{1,200}$/.test(sessionId)) throw new BillingInputError('This checkout link is not valid.', 400)
  const customerId = await findCustomerId(deps.db, userId)
  const session = await deps.stripe.checkout.sessions.retrieve(sessionId).catch((err: { code?: string }) => {
    if (err.code === 'resource_missing') throw new BillingInputError('We could not find this checkout.', 404)
    throw err
  })
  const sessionCustomer = typeof session.customer === 'string' ? session.customer : session.customer?.id
  if (!customerId || sessionCustomer !== customerId) throw new BillingInputError('We could not find this checkout.', 404)
  const paid = session.status === 'complete' && (session.payment_status === 'paid' || session.payment_status === 'no_payment_required')
  if (!paid || !session.subscription) return { planName: null, paid: false, mails: [] }
  const subscriptionId = typeof session.subscription === 'string' ? session.subscription : session.subscription.id
  const sub = await deps.stripe.subscriptions.retrieve(subscriptionId)
  const mails = await syncSubscription(deps, userId, sub, 'billing.checkout_confirmed')
  const [row] = await deps.db.select({ planId: subscriptions.planId }).from(subscriptions).where(eq(subscriptions.id, sub.id))
  return { planName: row?.planId ?? null, paid: true, mails }
}

export async function openPortal(deps: ManageDeps, userId: string): Promise<string> {
  const customerId = await findCustomerId(deps.db, userId)
  if (!customerId) throw new BillingInputError('You have no billing account yet: choose a plan first.', 409)
  const session = await deps.stripe.billingPortal.sessions.create({ customer: customerId, return_url: new URL('/billing', deps.env.APP_URL).toString() })
  return session.url
}

/**
 * Account deletion (Feature.accountCleanups): the Stripe subscription is canceled at once, before the account
 * goes. If Stripe cannot be reached this throws, the deletion transaction rolls back and nothing changes.
 */
export async function cancelSubscriptionsForDeletion(tx: Database, userId: string, stripe: Stripe | null): Promise<void> {
  const live = await tx.select({ id: subscriptions.id }).from(subscriptions)
    .where(and(eq(subscriptions.userId, userId), isNull(subscriptions.endedAt), inArray(subscriptions.status, ['active', 'trialing', 'past_due', 'incomplete', 'unpaid', 'paused'])))
    .orderBy(desc(subscriptions.createdAt))
  if (live.length === 0) return
  if (!stripe) throw new AccountDeletionBlockedError()
  for (const sub of live) {
    try {
      await stripe.subscriptions.cancel(sub.id)
    } catch (err) {
      if ((err as { code?: string }).code === 'resource_missing') continue
      throw new AccountDeletionBlockedError()
    }
  }
}

/** A 409 with its message: the platform error page shows it, and the deletion transaction rolls back. */
export class AccountDeletionBlockedError extends HTTPException {
  constructor() {
    super(409, { message: 'We could not cancel your subscription with our payment provider, so your account was not deleted. Nothing has changed; please try again in a few minutes.' })
    this.name = 'AccountDeletionBlockedError'
  }
}

/** After Stripe has canceled: the user's billing rows go in the same transaction as the account. */
export async function deleteBillingRows(tx: Database, userId: string): Promise<void> {
  await tx.delete(invoices).where(eq(invoices.userId, userId))
  await tx.delete(subscriptions).where(eq(subscriptions.userId, userId))
  await tx.delete(billingCustomers).where(eq(billingCustomers.userId, userId))
}

/** Mails are queued after the transaction committed; a queue hiccup is logged and never undoes the billing change. */
export async function queueMails(deps: { db: Database; env: Env }, mails: EmailMessage[]): Promise<void> {
  for (const mail of mails) {
    try {
      await sendEmail({ db: deps.db, queue: deps.env.EMAIL }, mail)
    } catch (err) {
      createLogger().error('billing: mail not queued', { template: mail.template, error: err })
    }
  }
}
