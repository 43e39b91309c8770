import { and, desc, eq, inArray, isNull } from 'drizzle-orm'
import { createLogger } from '../platform/logger'
import type Stripe from 'stripe'
import type { Database } from '../platform/db'
import { sendEmail, type EmailMessage } from '../email'
import { applyBillingChange, lockAccountBilling, PlanAnnouncementError, writeSubscription, type ApplyDeps } from './apply'
import { getLiveSubscription, OPEN_STATUSES } from './plans'
import { findCustomerId } from './records'
import { billingCustomers, invoices, subscriptions, type PlanRow } from './schema'
import { resolvePriceId, type Interval } from './sync'
import { expireOpenCheckouts } from './duplicates'

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
 * Starts a Stripe Checkout for a paid plan, for the user's one Stripe customer (findOrCreateCustomer). The
 * customer id comes from our table, never from the request.
 */
export async function startCheckout(deps: ManageDeps, user: { id: string; email: string; name: string }, plan: PlanRow, interval: Interval): Promise<string> {
  const { db, stripe } = deps
  const customerId = await findOrCreateCustomer(db, stripe, user)
  // One checkout open at a time: an earlier tab's session can no longer be paid (issue 19, finding 4).
  await expireOpenCheckouts(stripe, customerId)
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
  if (!session.url) throw new Error('Stripe returned a checkout session without a URL.')
  return session.url
}

/**
 * The user's Stripe customer, created at most once (issue 18). Our table first; then Stripe itself, by the
 * user id in the customer's metadata (a customer created by an earlier attempt whose row was never written:
 * an idempotency key alone would not find it once Stripe prunes keys after 24 hours); only then a new one,
 * under a key scoped to this attempt (a retry of this very call replays it; another attempt never collides
 * with it under different parameters, which Stripe refuses with 400). The row is written at once; if a
 * concurrent attempt wrote first, ours is deleted and theirs used.
 */
export async function findOrCreateCustomer(db: Database, stripe: Stripe, user: { id: string; email: string; name: string }): Promise<string> {
  const stored = await findCustomerId(db, user.id)
  if (stored) return stored
  const found = (await stripe.customers.search({ query: `metadata['user_id']:'${user.id}'`, limit: 1 })).data[0]
  const customerId = found?.id
    ?? (await stripe.customers.create({ email: user.email, name: user.name, metadata: { user_id: user.id } }, { idempotencyKey: `customer-${user.id}-${crypto.randomUUID()}` })).id
  const [inserted] = await db.insert(billingCustomers).values({ userId: user.id, stripeCustomerId: customerId }).onConflictDoNothing().returning({ id: billingCustomers.stripeCustomerId })
  if (inserted) return customerId
  const winner = (await findCustomerId(db, user.id))!
  if (!found && winner !== customerId) await stripe.customers.del(customerId).catch(() => undefined) // an empty duplicate; harmless if it stays
  return winner
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
  const returnUrl = new URL('/billing', deps.env.APP_URL).toString()
  const open = (configuration?: string) => deps.stripe.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl, configuration })
  if (kitPortalConfiguration) {
    try {
      return (await open(kitPortalConfiguration)).url
    } catch (err) {
      // Deleted or deactivated in the Dashboard since: look again below.
      if ((err as { code?: string }).code !== 'resource_missing' && !/configuration/i.test(String((err as Error).message))) throw err
      kitPortalConfiguration = null
    }
  }
  try {
    return (await open()).url
  } catch (err) {
    // No default configuration (Stripe makes one only when portal settings are saved in its Dashboard, test
    // mode too): use the kit's own, found or made once, named on every session from then on.
    if (!isMissingPortalConfiguration(err)) throw err
    const { id } = await ensurePortalConfiguration(deps.stripe, returnUrl, { useDefault: false })
    kitPortalConfiguration = id
    return (await open(id)).url
  }
}

// The kit's configuration id, per isolate: once known, a portal session costs one Stripe call.
let kitPortalConfiguration: string | null = null

export function isMissingPortalConfiguration(err: unknown): boolean {
  return /default configuration has not been created/i.test(String((err as { message?: string })?.message ?? ''))
}

/** How the kit's configuration is found again: configurations made through the API are never the default. */
export const PORTAL_CONFIGURATION_METADATA = { quickscale: 'portal' } as const

/**
 * The portal the kit expects (invoices, payment methods, billing details, cancel at period end). A default
 * made in Stripe's Dashboard wins (`useDefault`, returns its id); else the kit's own, tagged by metadata,
 * found among the active configurations or created. No idempotency key: two first visitors at once may
 * make two; the next lookup takes either.
 */
export async function ensurePortalConfiguration(stripe: Stripe, returnUrl: string, opts: { useDefault?: boolean } = {}): Promise<{ id: string; created: boolean; isDefault: boolean }> {
  const active = (await stripe.billingPortal.configurations.list({ active: true, limit: 100 })).data
  const fallback = opts.useDefault === false ? undefined : active.find((c) => c.is_default)
  if (fallback) return { id: fallback.id, created: false, isDefault: true }
  const ours = active.find((c) => c.metadata?.quickscale === PORTAL_CONFIGURATION_METADATA.quickscale)
  if (ours) return { id: ours.id, created: false, isDefault: false }
  const config = await stripe.billingPortal.configurations.create({
    business_profile: { headline: 'Manage your subscription' },
    default_return_url: returnUrl,
    features: {
      invoice_history: { enabled: true },
      payment_method_update: { enabled: true },
      customer_update: { enabled: true, allowed_updates: ['email', 'address', 'tax_id'] },
      subscription_cancel: { enabled: true, mode: 'at_period_end' },
    },
    metadata: { ...PORTAL_CONFIGURATION_METADATA },
  })
  return { id: config.id, created: true, isDefault: false }
}

/**
 * Account deletion, the first step (ADR 0084): nothing is charged once deletion was asked for. Runs from the
 * deletion queue outside any transaction and is idempotent: open checkouts of the customer are expired (a
 * checkout page left open can no longer start a subscription), each open subscription is canceled at Stripe
 * — already gone there (`resource_missing`) counts as done — and marked canceled here at once, so a re-run
 * after a crash skips it (Stripe answers a second cancel of a canceled subscription harmlessly anyway).
 * Any other Stripe error throws: the queue retries with backoff.
 */
export async function cancelSubscriptionsForDeletion(db: Database, userId: string, stripe: Stripe | null, now: Date): Promise<void> {
  const [live, customerId] = await Promise.all([
    db.select({ id: subscriptions.id }).from(subscriptions)
      .where(and(eq(subscriptions.userId, userId), isNull(subscriptions.endedAt), inArray(subscriptions.status, [...OPEN_STATUSES])))
      .orderBy(desc(subscriptions.createdAt)),
    findCustomerId(db, userId),
  ])
  if (!stripe) {
    if (live.length > 0) throw new Error('Stripe is not configured: the account\'s subscriptions cannot be canceled')
    return
  }
  if (customerId) await expireOpenCheckouts(stripe, customerId)
  for (const sub of live) {
    try {
      await stripe.subscriptions.cancel(sub.id)
    } catch (err) {
      if ((err as { code?: string }).code !== 'resource_missing') throw err
    }
    await db.update(subscriptions).set({ status: 'canceled', endedAt: now, updatedAt: now }).where(eq(subscriptions.id, sub.id))
  }
}

/**
 * After Stripe has canceled: the user's billing rows go, in one short transaction under the account's billing
 * lock, so a webhook being applied at that moment finishes first (and one arriving later finds no customer
 * and writes nothing). Deleting what is already gone changes nothing.
 */
export async function deleteBillingRows(db: Database, userId: string): Promise<void> {
  await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Database
    await lockAccountBilling(tx, userId)
    await tx.delete(invoices).where(eq(invoices.userId, userId))
    await tx.delete(subscriptions).where(eq(subscriptions.userId, userId))
    await tx.delete(billingCustomers).where(eq(billingCustomers.userId, userId))
  })
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
