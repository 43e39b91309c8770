import { eq } from 'drizzle-orm'
import type Stripe from 'stripe'
import type { Database } from '../platform/db'
import type { Registry } from '../platform/feature'
import { createLogger } from '../platform/logger'
import { getUserById } from '../auth'
import type { EmailMessage } from '../email'
import { customerIdOf, findCustomerId, findUserIdByCustomer, setPaymentFailed, subscriptionIdOfInvoice, upsertInvoice } from './records'
import { billingCustomers, stripeEvents } from './schema'
import { announceAccountPlan, applyBillingChange, writeSubscription } from './apply'
import { getAccountPlan } from './plans'
import { cancelDuplicateSubscriptions } from './duplicates'
import { syncSubscription } from './manage'
import { formatMoney } from './format'
import { formatDay } from '../platform/format'

export type WebhookOutcome = 'processed' | 'duplicate' | 'ignored' | 'unknown_customer'

export interface WebhookDeps {
  db: Database
  stripe: Stripe
  env: Env
  registry: Registry | null
  now: Date
}

export const HANDLED_EVENTS = new Set([
  'checkout.session.completed',
  'customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted',
  'invoice.paid', 'invoice.payment_failed', 'invoice.finalized', 'invoice.voided', 'invoice.marked_uncollectible',
])

type Resolved =
  | { kind: 'subscription'; customerId: string; subscription: Stripe.Subscription; claimedUserId?: string }
  | { kind: 'invoice'; customerId: string; invoice: Stripe.Invoice }

/** Fetches what the event is about. Subscriptions are re-read from Stripe, so event order never matters. */
async function resolveEvent(stripe: Stripe, event: Stripe.Event): Promise<Resolved | null> {
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object
      const subscriptionId = customerIdOf(session.subscription)
      const customerId = customerIdOf(session.customer)
      if (session.mode !== 'subscription' || !subscriptionId || !customerId) return null
      const subscription = await stripe.subscriptions.retrieve(subscriptionId)
      // An event changes only the subscription of the customer it names (issue 19, 9).
      if (customerIdOf(subscription.customer) !== customerId) return null
      return { kind: 'subscription', customerId, subscription, claimedUserId: session.metadata?.user_id ?? session.client_reference_id ?? undefined }
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated': {
      const payload = event.data.object
      const subscription = await stripe.subscriptions.retrieve(payload.id).catch((err: { code?: string }) => {
        if (err.code === 'resource_missing') return payload
        throw err
      })
      if (customerIdOf(subscription.customer) !== customerIdOf(payload.customer)) return null
      return { kind: 'subscription', customerId: customerIdOf(subscription.customer)!, subscription }
    }
    case 'customer.subscription.deleted': {
      // Final: a canceled subscription never comes back, and a late `updated` re-reads it as canceled too.
      const subscription = event.data.object
      return { kind: 'subscription', customerId: customerIdOf(subscription.customer)!, subscription }
    }
    case 'invoice.paid':
    case 'invoice.payment_failed':
    case 'invoice.finalized':
    case 'invoice.voided':
    case 'invoice.marked_uncollectible': {
      const invoice = event.data.object
      if (!invoice.id) return null
      return { kind: 'invoice', customerId: customerIdOf(invoice.customer)!, invoice }
    }
    default:
      return null
  }
}

/**
 * Applies one verified Stripe event. The event id is inserted in the same transaction as its effects: a
 * replay finds it and changes nothing. Returns the mails to queue once the transaction has committed.
 */
export async function processStripeEvent(deps: WebhookDeps, event: Stripe.Event): Promise<{ outcome: WebhookOutcome; mails: EmailMessage[] }> {
  const { db, now } = deps
  if (!HANDLED_EVENTS.has(event.type)) return { outcome: 'ignored', mails: [] }
  const [seen] = await db.select({ id: stripeEvents.id }).from(stripeEvents).where(eq(stripeEvents.id, event.id)).limit(1)
  if (seen) {
    // Stripe retries an event we answered 500, e.g. after its plan announcement failed post-commit: tell
    // usage the account's current plan again (idempotent), so the meter catches up.
    const userId = await reannouncePlan(deps, event)
    // …and finish canceling a duplicate subscription if the first attempt failed half-way.
    const mails = userId && event.type.startsWith('customer.subscription.') ? await cancelDuplicates(deps, userId) : []
    return { outcome: 'duplicate', mails }
  }

  const resolved = await resolveEvent(deps.stripe, event)
  if (!resolved) return { outcome: 'ignored', mails: [] }
  let userId = await findUserIdByCustomer(db, resolved.customerId)
  let adoptCustomer = false
  if (!userId && resolved.kind === 'subscription' && resolved.claimedUserId) {
    // Our checkout stores the customer before redirecting; this covers a crash between Stripe's answer and
    // that insert. The metadata was set by our server and the event is signed, and the user must not
    // already have another customer.
    const claimed = await getUserById(db, resolved.claimedUserId).catch(() => null)
    if (claimed && (await findCustomerId(db, claimed.id)) === null) { userId = claimed.id; adoptCustomer = true }
  }
  if (!userId) {
    createLogger().warn('billing: stripe webhook for an unknown customer', { eventId: event.id, type: event.type, customer: resolved.customerId })
    return { outcome: 'unknown_customer', mails: [] }
  }
  const owner = userId

  const mails = await applyBillingChange(deps, owner, `stripe.${event.type}`, { eventId: event.id }, async (ctx) => {
    const { tx } = ctx
    const [inserted] = await tx.insert(stripeEvents).values({ id: event.id, type: event.type, processedAt: now }).onConflictDoNothing().returning({ id: stripeEvents.id })
    // A concurrent delivery of the same event got there first.
    if (!inserted) return false
    if (adoptCustomer) await tx.insert(billingCustomers).values({ userId: owner, stripeCustomerId: resolved.customerId }).onConflictDoNothing()
    if (resolved.kind === 'subscription') {
      await writeSubscription(ctx, owner, resolved.subscription, now)
      return true
    }
    const invoice = resolved.invoice
    await upsertInvoice(tx, owner, invoice, now)
    const subscriptionId = subscriptionIdOfInvoice(invoice)
    const amount = formatMoney(event.type === 'invoice.paid' ? invoice.amount_paid : invoice.amount_due, invoice.currency)
    if (event.type === 'invoice.payment_failed') {
      if (subscriptionId) await setPaymentFailed(tx, subscriptionId, true, now)
      ctx.mails.push({ template: 'payment-failed', to: ctx.user.email, props: { name: ctx.user.name, amount, billingUrl: ctx.billingUrl } })
    }
    if (event.type === 'invoice.paid') {
      if (subscriptionId) await setPaymentFailed(tx, subscriptionId, false, now)
      // The line's own description ("1 × Pro (at $19.00 / month)"): this event may come before the subscription's.
      if (invoice.amount_paid > 0) {
        ctx.mails.push({ template: 'payment-receipt', to: ctx.user.email, props: {
          name: ctx.user.name, amount, description: (invoice.lines?.data?.[0]?.description || `${ctx.before.name} plan`).slice(0, 200), invoiceUrl: invoice.hosted_invoice_url ?? ctx.billingUrl,
          date: formatDay(new Date((invoice.status_transitions?.paid_at ?? invoice.created) * 1000)) } })
      }
    }
    return true
  })
  if (mails === null) return { outcome: 'duplicate', mails: [] }
  if (resolved.kind === 'subscription') mails.push(...(await cancelDuplicates(deps, owner)))
  return { outcome: 'processed', mails }
}

/** A second live subscription is canceled at once (duplicates.ts); its write goes through the usual path. */
function cancelDuplicates(deps: WebhookDeps, userId: string): Promise<EmailMessage[]> {
  return cancelDuplicateSubscriptions(deps, userId, (sub) => syncSubscription(deps, userId, sub, 'billing.duplicate_canceled'))
}

/** The replay path: the plan of the customer an event names, announced again. Returns the account. */
async function reannouncePlan(deps: WebhookDeps, event: Stripe.Event): Promise<string | null> {
  const customerId = customerIdOf((event.data.object as { customer?: string | { id: string } | null }).customer ?? null)
  if (!customerId) return null
  const userId = await findUserIdByCustomer(deps.db, customerId)
  if (!userId) return null
  await announceAccountPlan(deps, userId, await getAccountPlan(deps.db, userId, deps.now))
  return userId
}
