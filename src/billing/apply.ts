import { eq, sql } from 'drizzle-orm'
import type Stripe from 'stripe'
import type { Database } from '../platform/db'
import type { Registry } from '../platform/feature'
import { getUserById } from '../auth'
import type { EmailMessage } from '../email'
import { FREE_PLAN_ID, getAccountPlan, type AccountPlan } from './plans'
import { upsertSubscription } from './records'
import { subscriptions } from './schema'
import { announcePlanChange, recordBillingAudit } from './events'
import { formatDay } from '../platform/format'
// The kinds are the template's own, defined there once.
import type { SubscriptionMailKind } from '../../templates/subscription-changed'

export interface ApplyDeps {
  db: Database
  env: Env
  registry: Registry | null
  now: Date
  /** Who acted, for the audit log: the signed-in user, or null for Stripe's webhooks. */
  actorId?: string | null
  ip?: string | null
}

export interface ApplyContext {
  tx: Database
  user: { name: string; email: string }
  before: AccountPlan
  billingUrl: string
  mails: EmailMessage[]
  /** Set by writeSubscription when a write turned cancel-at-period-end on or off (its end date when on). */
  cancelSwitch?: { kind: 'cancel_scheduled'; endsOn: Date } | { kind: 'resumed' }
}

const samePlan = (a: AccountPlan, b: AccountPlan) =>
  a.planId === b.planId && a.periodStart.getTime() === b.periodStart.getTime() && a.periodEnd.getTime() === b.periodEnd.getTime()

/**
 * Serialises every billing change of one account (ADR 0030, issue 18): Stripe delivers a checkout's events
 * concurrently and in any order, racing the success page. Without it two of them both read "free" as the
 * plan before and both mail, audit and announce the change. A transaction-scoped advisory lock on the
 * account makes the second wait for the first to commit, then read its result. Released at commit or
 * rollback; other accounts never wait.
 */
export async function lockAccountBilling(tx: Database, userId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`billing:${userId}`}, 0))`)
}

/**
 * One billing change in one transaction, whoever caused it (a webhook, the success page, a plan change or
 * cancellation in the app), under the account's billing lock: apply it, then compare the user's plan
 * before and after. It is audited when it changed what the account has (plan, period, status) or told the
 * user something (a mail: cancellation set or undone, a payment); a replay, the success page reading back
 * what a webhook already wrote, or an event that changed nothing writes no row. After
 * commit, a change of plan or period is announced ('billing.plan_changed': usage moves its limits), so a
 * rolled-back change never reaches the meter. Returns `null` when `apply` declined (a replayed event),
 * else the mails for the caller to queue (also after commit).
 */
export async function applyBillingChange(
  deps: ApplyDeps, userId: string, action: string, detail: Record<string, string | number | boolean | null>,
  apply: (ctx: ApplyContext) => Promise<boolean>,
): Promise<EmailMessage[] | null> {
  const result = await deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Database
    await lockAccountBilling(tx, userId)
    const before = await getAccountPlan(tx, userId, deps.now)
    const user = await getUserById(tx, userId)
    if (!user) return null
    const ctx: ApplyContext = { tx, user, before, billingUrl: new URL('/billing', deps.env.APP_URL).toString(), mails: [] }
    if (!(await apply(ctx))) return null
    const after = await getAccountPlan(tx, userId, deps.now)
    const planChanged = !samePlan(before, after)
    const announcement = subscriptionAnnouncement(before, after, ctx.cancelSwitch, deps.now)
    if (announcement) {
      ctx.mails.push({ template: 'subscription-changed', to: user.email, props: {
        name: user.name, plan: announcement.plan, status: announcement.kind, effectiveDate: formatDay(announcement.date), billingUrl: ctx.billingUrl } })
    }
    if (planChanged || before.status !== after.status || ctx.mails.length > 0) {
      await recordBillingAudit(deps.registry, { action, actorId: deps.actorId ?? null, ip: deps.ip ?? null, targetType: 'user', targetId: userId, detail: { ...detail, planId: after.planId, status: after.status } }, { db: tx, env: deps.env, now: deps.now })
    }
    return { mails: ctx.mails, after: planChanged ? after : null }
  })
  if (!result) return null
  if (result.after) {
    const after = result.after
    try {
      await retryAnnouncement(() => announceAccountPlan(deps, userId, after))
    } catch (error) {
      throw new PlanAnnouncementError(result.mails, error)
    }
  }
  return result.mails
}

/**
 * The change committed but its announcement (the usage meter) failed three times. Carries the change's
 * mails so the caller still queues them; the webhook answers 500 so Stripe retries the event, and the
 * replay re-announces the account's plan (webhook.ts).
 */
export class PlanAnnouncementError extends Error {
  constructor(readonly mails: EmailMessage[], readonly cause: unknown) {
    super('billing change committed, plan announcement failed')
    this.name = 'PlanAnnouncementError'
  }
}

const ANNOUNCE_BACKOFF_MS = [0, 100, 400]

async function retryAnnouncement(step: () => Promise<void>): Promise<void> {
  let last: unknown
  for (const wait of ANNOUNCE_BACKOFF_MS) {
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    try {
      return await step()
    } catch (error) {
      last = error
    }
  }
  throw last
}

/** Tells usage (and any listener) an account's plan; idempotent, so a retry may send it again. */
export async function announceAccountPlan(deps: Pick<ApplyDeps, 'db' | 'env' | 'registry' | 'now'>, userId: string, plan: AccountPlan): Promise<void> {
  await announcePlanChange(deps.registry, { userId, planId: plan.planId, limits: plan.limits, periodStart: plan.periodStart, periodEnd: plan.periodEnd }, { db: deps.db, env: deps.env, now: deps.now })
}

/** Writes Stripe's subscription and notes a cancel-at-period-end switch (applyBillingChange picks the mail). */
export async function writeSubscription(ctx: ApplyContext, userId: string, sub: Stripe.Subscription, now: Date): Promise<void> {
  const [previous] = await ctx.tx.select({ cancelAtPeriodEnd: subscriptions.cancelAtPeriodEnd }).from(subscriptions).where(eq(subscriptions.id, sub.id))
  await upsertSubscription(ctx.tx, userId, sub, now)
  const [current] = await ctx.tx.select().from(subscriptions).where(eq(subscriptions.id, sub.id))
  if (previous && previous.cancelAtPeriodEnd !== current.cancelAtPeriodEnd && current.status !== 'canceled') {
    ctx.cancelSwitch = current.cancelAtPeriodEnd ? { kind: 'cancel_scheduled', endsOn: current.currentPeriodEnd } : { kind: 'resumed' }
  }
}


/**
 * The one subscription mail a billing change sends, if any (issue 20: each event its own words). A change of
 * plan wins over a cancel switch made in the same write (a plan change also undoes a scheduled end):
 * Free → paid is a new subscription, paid → Free the end of one, paid → paid a change. Otherwise ending at
 * period end was scheduled (dated with the last day of the plan) or undone.
 */
export function subscriptionAnnouncement(before: AccountPlan, after: AccountPlan, cancelSwitch: ApplyContext['cancelSwitch'], now: Date): { kind: SubscriptionMailKind; plan: string; date: Date } | null {
  if (before.planId !== after.planId) {
    if (after.planId === FREE_PLAN_ID) return { kind: 'ended', plan: before.name, date: now }
    return { kind: before.planId === FREE_PLAN_ID ? 'subscribed' : 'changed', plan: after.name, date: now }
  }
  if (cancelSwitch?.kind === 'cancel_scheduled') return { kind: 'cancel_scheduled', plan: after.name, date: cancelSwitch.endsOn }
  if (cancelSwitch?.kind === 'resumed') return { kind: 'resumed', plan: after.name, date: now }
  return null
}
