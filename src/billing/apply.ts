import { eq } from 'drizzle-orm'
import type Stripe from 'stripe'
import type { Database } from '../platform/db'
import type { Registry } from '../platform/feature'
import { getUserById } from '../auth'
import type { EmailMessage } from '../email'
import { getAccountPlan, type AccountPlan } from './plans'
import { upsertSubscription } from './records'
import { subscriptions } from './schema'
import { announcePlanChange, recordBillingAudit } from './events'

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
}

const samePlan = (a: AccountPlan, b: AccountPlan) =>
  a.planId === b.planId && a.periodStart.getTime() === b.periodStart.getTime() && a.periodEnd.getTime() === b.periodEnd.getTime()

/**
 * One billing change in one transaction, whoever caused it (a webhook, the success page, a plan change or
 * cancellation in the app): apply it, then compare the user's plan before and after. A change of plan or
 * period is announced ('billing.plan_changed', in the same transaction, so usage's limits move with it)
 * and mailed; every change is audited. Returns `null` when `apply` declined (a replayed event), else the
 * mails to queue after commit.
 */
export async function applyBillingChange(
  deps: ApplyDeps, userId: string, action: string, detail: Record<string, string | number | boolean | null>,
  apply: (ctx: ApplyContext) => Promise<boolean>,
): Promise<EmailMessage[] | null> {
  return deps.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Database
    const before = await getAccountPlan(tx, userId, deps.now)
    const user = await getUserById(tx, userId)
    if (!user) return null
    const ctx: ApplyContext = { tx, user, before, billingUrl: new URL('/billing', deps.env.APP_URL).toString(), mails: [] }
    if (!(await apply(ctx))) return null
    const after = await getAccountPlan(tx, userId, deps.now)
    if (!samePlan(before, after)) {
      await announcePlanChange(deps.registry, { userId, planId: after.planId, limits: after.limits, periodStart: after.periodStart, periodEnd: after.periodEnd }, { db: tx, env: deps.env, now: deps.now })
      if (before.planId !== after.planId) {
        ctx.mails.push({ template: 'subscription-changed', to: user.email, props: {
          name: user.name, plan: after.name, status: after.planId === 'free' ? 'canceled' : before.planId === 'free' ? 'active' : 'changed',
          effectiveDate: deps.now.toISOString().slice(0, 10), billingUrl: ctx.billingUrl } })
      }
    }
    await recordBillingAudit(deps.registry, { action, actorId: deps.actorId ?? null, ip: deps.ip ?? null, targetType: 'user', targetId: userId, detail: { ...detail, planId: after.planId, status: after.status } }, { db: tx, env: deps.env, now: deps.now })
    return ctx.mails
  })
}

/** Writes Stripe's subscription and mails a cancel-at-period-end switch (the plan itself is compared by applyBillingChange). */
export async function writeSubscription(ctx: ApplyContext, userId: string, sub: Stripe.Subscription, now: Date): Promise<void> {
  const [previous] = await ctx.tx.select({ cancelAtPeriodEnd: subscriptions.cancelAtPeriodEnd }).from(subscriptions).where(eq(subscriptions.id, sub.id))
  await upsertSubscription(ctx.tx, userId, sub, now)
  const [current] = await ctx.tx.select().from(subscriptions).where(eq(subscriptions.id, sub.id))
  if (previous && previous.cancelAtPeriodEnd !== current.cancelAtPeriodEnd && current.status !== 'canceled') {
    ctx.mails.push({ template: 'subscription-changed', to: ctx.user.email, props: {
      name: ctx.user.name, plan: ctx.before.name, status: current.cancelAtPeriodEnd ? 'canceled' : 'active',
      effectiveDate: (current.cancelAtPeriodEnd ? current.currentPeriodEnd : now).toISOString().slice(0, 10), billingUrl: ctx.billingUrl } })
  }
}
