import { and, asc, eq, inArray, isNull } from 'drizzle-orm'
import type Stripe from 'stripe'
import type { Database } from '../platform/db'
import type { EmailMessage } from '../email'
import { getUserById } from '../auth'
import { LIVE_STATUSES, getPlan } from './plans'
import { stripeEvents, subscriptions } from './schema'
import type { ApplyDeps } from './apply'
import { recordBillingAudit } from './events'

// Issue 19, finding 4: open two checkouts (Pro and Business) before paying either, pay both, and the account
// has two live subscriptions; /billing showed one and the other billed on unseen. Two defences: starting a
// checkout expires the customer's earlier open sessions (expireOpenCheckouts), and a second live
// subscription that still arrives (a session paid in the moment before it expired) is canceled at once
// (cancelDuplicateSubscriptions), its unused time credited, the user and the operator told.

/** The account's live subscriptions, the first one we recorded first. */
export function listLiveSubscriptions(db: Database, userId: string) {
  return db.select().from(subscriptions)
    .where(and(eq(subscriptions.userId, userId), inArray(subscriptions.status, [...LIVE_STATUSES]), isNull(subscriptions.endedAt)))
    .orderBy(asc(subscriptions.createdAt), asc(subscriptions.id))
}

/** Before a new checkout: every open session of this customer is expired, so it can no longer be paid. */
export async function expireOpenCheckouts(stripe: Stripe, customerId: string): Promise<void> {
  const open = await stripe.checkout.sessions.list({ customer: customerId, status: 'open', limit: 100 })
  for (const session of open.data) {
    // Paid or expired in the meantime: nothing to do (Stripe answers 400 for a session that is not open).
    await stripe.checkout.sessions.expire(session.id).catch((err: { statusCode?: number }) => {
      if (err.statusCode !== 400 && err.statusCode !== 404) throw err
    })
  }
}

export interface DuplicateDeps extends ApplyDeps {
  stripe: Stripe
}

/**
 * Keeps the first live subscription and cancels every later one at Stripe at once, prorated: the unused
 * time of its charge becomes a credit on the customer's balance (a refund to the card stays a decision
 * for the operator, in Stripe's dashboard). Idempotent (canceling a canceled subscription changes
 * nothing), so a webhook retry may run it again. `sync` writes Stripe's answer through the usual path;
 * returns the mails for the user and the operator, for the caller to queue after commit.
 */
export async function cancelDuplicateSubscriptions(
  deps: DuplicateDeps, userId: string,
  sync: (sub: Stripe.Subscription) => Promise<unknown>,
): Promise<EmailMessage[]> {
  const live = await listLiveSubscriptions(deps.db, userId)
  if (live.length < 2) return []
  const [kept, ...extra] = live
  const user = await getUserById(deps.db, userId)
  if (!user) return []
  const keptPlan = (await getPlan(deps.db, kept!.planId))?.name ?? kept!.planId
  const billingUrl = new URL('/billing', deps.env.APP_URL).toString()
  const mails: EmailMessage[] = []
  for (const sub of extra) {
    const canceled = await deps.stripe.subscriptions.cancel(sub.id, { prorate: true, invoice_now: true }).catch(async (err: { statusCode?: number }) => {
      // Canceled a moment ago by a concurrent event of the same checkout: read what Stripe has.
      if (err.statusCode !== 400 && err.statusCode !== 404) throw err
      return deps.stripe.subscriptions.retrieve(sub.id)
    })
    await sync(canceled)
    // Several events of one checkout may get here at once; the one that records the cancellation mails.
    const [claimed] = await deps.db.insert(stripeEvents).values({ id: `duplicate-canceled:${sub.id}`, type: 'quickscale.duplicate_canceled', processedAt: deps.now })
      .onConflictDoNothing().returning({ id: stripeEvents.id })
    if (!claimed) continue
    const canceledPlan = (await getPlan(deps.db, sub.planId))?.name ?? sub.planId
    await recordBillingAudit(deps.registry, { action: 'billing.duplicate_canceled', actorId: null, targetType: 'user', targetId: userId,
      detail: { subscriptionId: sub.id, canceledPlanId: sub.planId, keptSubscriptionId: kept!.id, keptPlanId: kept!.planId } }, { db: deps.db, env: deps.env, now: deps.now })
    const props = { name: user.name, email: user.email, kept: keptPlan, canceled: canceledPlan }
    mails.push({ template: 'duplicate-subscription', to: user.email, props: { ...props, audience: 'user', billingUrl } })
    mails.push({ template: 'duplicate-subscription', to: deps.env.ADMIN_EMAIL, props: { ...props, audience: 'admin', billingUrl: new URL(`/admin/users/${userId}`, deps.env.APP_URL).toString() } })
  }
  return mails
}
