import { count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import type { AdminPanel, AdminUserFilter, AdminUserSection, Banner, DashboardCard, AccountCleanupStep, HomeSection, ViewerField, AccountBadge } from '../platform/feature'
import { FREE_PLAN_ID, getLiveSubscription, listPlansForDisplay, LIVE_STATUSES } from './plans'
import { invoices, plans, subscriptions, type InvoiceRow, type PlanRow, type SubscriptionRow } from './schema'
import { cancelSubscriptionsForDeletion, deleteBillingRows } from './manage'
import { createStripeClient, readStripeConfig } from './stripe'
import { formatMoney, formatPrice } from './format'
import { formatDay } from '../platform/format'
import { InvoiceStatusTag, PlanStatusTag, QuotaList } from './views/billing'

/** What billing adds to the registry (src/platform/feature.ts); index.ts assembles the Feature. */

export const PAYMENT_FAILED_FIELD = 'billingPaymentFailed'

// Read in the session query (one round trip for session + viewer): does a live subscription have a failed payment?
const paymentFailedSql = (userId: AnyPgColumn | SQL) =>
  sql<boolean>`exists (select 1 from ${subscriptions} where ${subscriptions.userId} = ${userId} and ${subscriptions.endedAt} is null and (${subscriptions.paymentFailed} or ${subscriptions.status} in ('past_due', 'unpaid')))`
export const paymentFailedField: ViewerField = (userId) => paymentFailedSql(userId)

export const paymentFailedBanner: Banner = {
  id: 'billing-payment-failed',
  render: (c, viewer) => {
    if (!viewer || viewer.extras?.[PAYMENT_FAILED_FIELD] !== true) return null
    return (
      <div class="container flash-container">
        <div class="notification is-danger is-light payment-failed-banner" role="alert">
          <strong>Your last payment failed.</strong> Update your payment method to keep your plan.{' '}
          {c.req.path === '/billing' ? 'Use “Manage payment methods” below.' : <a href="/billing">Go to billing</a>}
        </div>
      </div>
    )
  },
}

export const PLAN_SUMMARY_FIELD = 'billingPlan'

/** The dashboard card's data, read with the session (issue 8: the dashboard costs one round trip). */
export interface PlanSummary {
  planId: string
  name: string
  status: string
  periodEnd: string | null
  cancelAtPeriodEnd: boolean | null
  storageBytes: number
  fileCount: number
  uploadsPerMonth: number
  apiRequestsPerMonth: number
}

// Same choice as getAccountPlan: the live subscription's plan, else Free.
export const planSummaryField: ViewerField = (userId) => sql`(
  select json_build_object('planId', p.id, 'name', p.name, 'status', coalesce(s.status, 'free'), 'periodEnd', s.current_period_end,
    'cancelAtPeriodEnd', s.cancel_at_period_end, 'storageBytes', p.storage_bytes, 'fileCount', p.file_count,
    'uploadsPerMonth', p.uploads_per_month, 'apiRequestsPerMonth', p.api_requests_per_month)
  from ${plans} p left join ${subscriptions} s on s.plan_id = p.id and s.user_id = ${userId} and s.status in ('active', 'trialing', 'past_due')
  where p.id = 'free' or s.id is not null
  order by (s.id is null), s.current_period_end desc limit 1)`

export const planCard: DashboardCard<PlanSummary | null> = {
  id: 'billing-plan',
  title: 'Plan',
  order: 10,
  audience: 'user',
  render: (_data, viewer) => {
    const plan = viewer.extras?.[PLAN_SUMMARY_FIELD] as PlanSummary | null | undefined
    if (!plan) return <p><a href="/billing">Open billing</a></p>
    const limits = { storageBytes: Number(plan.storageBytes), fileCount: plan.fileCount, uploadsPerMonth: plan.uploadsPerMonth, apiRequestsPerMonth: plan.apiRequestsPerMonth }
    return (
      <div class="billing-card">
        <p class="title is-5 mb-2">{plan.name} <PlanStatusTag status={plan.status} /></p>
        {plan.periodEnd && <p>{plan.cancelAtPeriodEnd ? 'Ends' : 'Renews'} on {formatDay(new Date(plan.periodEnd))}</p>}
        <QuotaList limits={limits} />
        <p class="mt-3"><a href="/billing">Open billing</a> · <a href="/pricing">Compare plans</a></p>
      </div>
    )
  },
}

type AdminFigures = { byPlan: Array<{ planId: string; name: string; count: number }>; mrr: number; currency: string; failed: number }

export const subscriptionsPanel: AdminPanel<AdminFigures> = {
  id: 'billing-subscriptions',
  title: 'Subscriptions',
  order: 20,
  load: async (db) => {
    const rows = await db
      .select({
        planId: subscriptions.planId, name: plans.name, interval: subscriptions.interval, currency: plans.currency,
        monthly: plans.monthlyPrice, yearly: plans.yearlyPrice, count: count(),
        failed: sql<number>`count(*) filter (where ${subscriptions.paymentFailed} or ${subscriptions.status} in ('past_due', 'unpaid'))`.mapWith(Number),
      })
      .from(subscriptions).innerJoin(plans, eq(plans.id, subscriptions.planId))
      .where(inArray(subscriptions.status, [...LIVE_STATUSES]))
      .groupBy(subscriptions.planId, plans.name, subscriptions.interval, plans.currency, plans.monthlyPrice, plans.yearlyPrice, plans.sortOrder)
      .orderBy(plans.sortOrder)
    const byPlan = new Map<string, { planId: string; name: string; count: number }>()
    let mrr = 0
    let failed = 0
    for (const r of rows) {
      const entry = byPlan.get(r.planId) ?? { planId: r.planId, name: r.name, count: 0 }
      entry.count += r.count
      byPlan.set(r.planId, entry)
      // MRR: yearly subscriptions count a twelfth of their price each month.
      mrr += r.count * (r.interval === 'year' ? Math.round(r.yearly / 12) : r.monthly)
      failed += r.failed
    }
    return { byPlan: [...byPlan.values()], mrr, currency: rows[0]?.currency ?? 'usd', failed }
  },
  render: (d) => (
    <div>
      <p><strong>MRR:</strong> {formatMoney(d.mrr, d.currency)} · <strong>Failed payments:</strong> {d.failed}</p>
      {d.byPlan.length === 0 ? <p>No active subscriptions.</p> : (
        <ul>{d.byPlan.map((p) => <li>{p.name}: {p.count} active</li>)}</ul>
      )}
    </div>
  ),
}

export const userBillingSection: AdminUserSection<{ subscription: SubscriptionRow | null; invoices: InvoiceRow[] }> = {
  id: 'billing-user',
  title: 'Subscription and invoices',
  order: 20,
  load: async (db, userId) => {
    const [subscription, recent] = await Promise.all([
      getLiveSubscription(db, userId),
      db.select().from(invoices).where(eq(invoices.userId, userId)).orderBy(desc(invoices.stripeCreatedAt)).limit(10),
    ])
    return { subscription, invoices: recent }
  },
  render: ({ subscription, invoices: rows }) => (
    <div>
      {subscription
        ? <p>{subscription.planId} ({subscription.interval}) · <PlanStatusTag status={subscription.status} /> · {subscription.cancelAtPeriodEnd ? 'ends' : 'renews'} {formatDay(subscription.currentPeriodEnd)} · <code>{subscription.id}</code></p>
        : <p>Free plan, no subscription.</p>}
      {rows.length > 0 && (
        <ul>{rows.map((inv) => <li>{formatDay(inv.stripeCreatedAt)} · {inv.number ?? inv.id} · {formatMoney(inv.amountDue, inv.currency)} · <InvoiceStatusTag status={inv.status} /></li>)}</ul>
      )}
    </div>
  ),
}

// Account deletion's first step (order -100, ADR 0084): Stripe is canceled before any other data goes,
// so a deleting account is never charged; then the billing rows. Both halves are idempotent.
export const cancelStripeOnDeletion: AccountCleanupStep = {
  name: 'billing',
  order: -100,
  run: async (db, user, env, now) => {
    const config = readStripeConfig(env)
    await cancelSubscriptionsForDeletion(db, user.id, config ? await createStripeClient(config) : null, now)
    await deleteBillingRows(db, user.id)
  },
}


// A live subscription of a user (alias s), as SQL over users.id: the statuses that grant a paid plan.
// Aliased columns, because inside auth's `select … from users` drizzle writes a bare column name, which
// "name" and "id" would make ambiguous.
const liveSubscriptionOf = (userId: AnyPgColumn) =>
  sql`s.user_id = ${userId} and s.status in (${sql.join(LIVE_STATUSES.map((status) => sql`${status}`), sql`, `)})`
const PLAN_ID = /^[a-z0-9_-]{1,64}$/

/** The admin users list's Plan filter and column (issue 13), inside auth's one search query. */
export const planFilter: AdminUserFilter = {
  name: 'plan',
  label: 'Plan',
  options: async (db, env) => (await listPlansForDisplay(db, env.DATABASE_URL, Date.now())).map((p) => [p.id, p.name]),
  where: (userId, value) => {
    if (!PLAN_ID.test(value)) return null
    if (value === FREE_PLAN_ID) return sql`not exists (select 1 from ${subscriptions} s where ${liveSubscriptionOf(userId)})`
    return sql`exists (select 1 from ${subscriptions} s where ${liveSubscriptionOf(userId)} and s.plan_id = ${value})`
  },
  column: (userId) => sql<string | null>`coalesce(
    (select p.name from ${subscriptions} s join ${plans} p on p.id = s.plan_id
      where ${liveSubscriptionOf(userId)} order by s.current_period_end desc limit 1),
    (select p.name from ${plans} p where p.id = ${FREE_PLAN_ID}))`,
}

/**
 * The home page's pricing teaser (Feature.homeSections): the plan catalogue, billing's one source of truth,
 * read through the per-isolate cache like /pricing, so a warm home page costs no database trip.
 */
export const pricingTeaser: HomeSection<PlanRow[]> = {
  id: 'pricing',
  order: 10,
  load: (db, env, now) => listPlansForDisplay(db, env.DATABASE_URL, now.getTime()),
  render: (plans) => (
    <section class="section has-background-light" id="home-pricing" aria-labelledby="pricing-title">
      <div class="container">
        <h2 class="title is-3 has-text-centered" id="pricing-title">Simple pricing</h2>
        <div class="columns">
          {plans.map((p) => (
            <div class="column">
              <div class="card pricing-card">
                <div class="card-content">
                  <h3 class="title is-4">{p.name}</h3>
                  <p class="is-size-3 has-text-weight-bold">{formatPrice(p.monthlyPrice, p.currency)}<span class="is-size-6 has-text-grey-dark"> / month</span></p>
                  <p class="has-text-grey-dark">{p.blurb}</p>
                  <ul class="pricing-points">
                    {p.highlights.map((point) => <li>{point}</li>)}
                  </ul>
                </div>
              </div>
            </div>
          ))}
        </div>
        <p class="has-text-centered"><a class="button is-primary" href="/pricing">See plans and yearly prices</a></p>
      </div>
    </section>
  ),
}

/** The plan beside the person's name in the app shell's account menu (from the session query: no trip). */
export const planBadge: AccountBadge = (viewer) => {
  const plan = viewer.extras?.[PLAN_SUMMARY_FIELD] as PlanSummary | null | undefined
  return plan ? <span class="tag is-primary is-light">{plan.name}</span> : null
}
