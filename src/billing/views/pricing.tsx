import type { PlanRow } from '../schema'
import type { AccountPlan } from '../plans'
import { formatPrice } from '../format'
import type { Interval } from '../sync'
import { ConfirmSlot } from './billing'

export interface PricingState {
  /** null for a visitor. */
  current: AccountPlan | null
  /** The interval of the live subscription, if any (a Pro monthly user may switch to Pro yearly). */
  currentInterval: Interval | null
  cancelAtPeriodEnd: boolean
  /** Monthly price of the current plan: a dearer plan is an upgrade, a cheaper one a downgrade. */
  currentMonthlyPrice: number
}

/** Savings of the yearly price against twelve monthly payments, in whole percent. */
function yearlySaving(plan: PlanRow): number {
  return plan.monthlyPrice > 0 ? Math.round((1 - plan.yearlyPrice / (plan.monthlyPrice * 12)) * 100) : 0
}

function PlanAction({ plan, interval, state }: { plan: PlanRow; interval: Interval; state: PricingState }) {
  if (state.current === null) {
    return plan.monthlyPrice === 0
      ? <a class="button is-fullwidth is-primary is-outlined" href="/signup">Start free</a>
      : <a class="button is-fullwidth is-primary" href={`/signup?next=${encodeURIComponent('/pricing')}`}>Get {plan.name}</a>
  }
  const onThisPlan = state.current.planId === plan.id
  const paid = state.current.planId !== 'free'
  if (onThisPlan && (plan.monthlyPrice === 0 || state.currentInterval === interval)) {
    return <p class="button is-fullwidth is-static" aria-disabled="true">Your current plan</p>
  }
  if (plan.monthlyPrice === 0 && paid && state.cancelAtPeriodEnd) {
    return <p class="button is-fullwidth is-static" aria-disabled="true">Free from your renewal date</p>
  }
  const upgrade = plan.monthlyPrice > state.currentMonthlyPrice || (onThisPlan && interval === 'year')
  const label = onThisPlan
    ? `Switch to ${interval === 'year' ? 'yearly' : 'monthly'}`
    : `${upgrade ? 'Upgrade' : 'Downgrade'} to ${plan.name}`
  if (!paid) {
    return (
      <form method="post" action="/billing/checkout">
        <input type="hidden" name="plan" value={plan.id} />
        <input type="hidden" name="interval" value={interval} />
        <button class={`button is-fullwidth ${upgrade ? 'is-primary' : 'is-light'}`} type="submit">{label}</button>
      </form>
    )
  }
  // A subscriber's change asks first: the confirmation (change-routes.tsx) shows what Stripe will charge,
  // swapped into the slot at the top of the page with htmx, or as its own page without JavaScript.
  const target = plan.monthlyPrice === 0 ? '/billing/subscription/cancel' : '/billing/change'
  return (
    <form method="get" action={target} hx-get={target} hx-target="#billing-confirm" hx-swap="outerHTML">
      {plan.monthlyPrice > 0 && <input type="hidden" name="plan" value={plan.id} />}
      {plan.monthlyPrice > 0 && <input type="hidden" name="interval" value={interval} />}
      <button class={`button is-fullwidth ${upgrade ? 'is-primary' : 'is-light'}`} type="submit">{label}</button>
    </form>
  )
}

function PlanCard({ plan, interval, state }: { plan: PlanRow; interval: Interval; state: PricingState }) {
  const current = state.current?.planId === plan.id
  const price = interval === 'year' ? plan.yearlyPrice : plan.monthlyPrice
  const saving = yearlySaving(plan)
  return (
    <div class={`card pricing-card${plan.recommended ? ' is-recommended' : ''}${current ? ' is-current' : ''}`}>
      <div class="card-content">
        {/* h2: the page's h1 is "Pricing" (a skipped level fails axe's heading-order and Lighthouse). */}
        <h2 class="title is-4">
          {plan.name}
          {plan.recommended && <span class="tag is-primary ml-2">Recommended</span>}
          {current && <span class="tag is-success is-light ml-2">Current plan</span>}
        </h2>
        <p class="is-size-3 has-text-weight-bold">
          {formatPrice(price, plan.currency)}
          <span class="is-size-6 has-text-grey-dark"> / {interval === 'year' ? 'year' : 'month'}</span>
        </p>
        {interval === 'year' && saving > 0 && <p class="help">Save {saving}% against monthly</p>}
        <p class="has-text-grey-dark">{plan.blurb}</p>
        <ul class="pricing-points">{plan.highlights.map((point) => <li>{point}</li>)}</ul>
        <div class="mt-4"><PlanAction plan={plan} interval={interval} state={state} /></div>
      </div>
    </div>
  )
}

/** /pricing. Both intervals are rendered; a few lines of public/app.js flip between them (no Alpine on
 * public pages, ADR 0103), and without JavaScript the toggle submits ?interval=year. */
export function PricingPage({ plans, interval, state, testMode }: { plans: PlanRow[]; interval: Interval; state: PricingState; testMode: string | null }) {
  return (
    <section class="section">
      <div class="container">
        <h1 class="title has-text-centered">Pricing {testMode && <span class="tag is-warning ml-2">{testMode}</span>}</h1>
        <p class="subtitle has-text-centered">Start free. Upgrade when you need more room; change or cancel any time.</p>
        {state.current && state.current.planId !== 'free' && <ConfirmSlot />}
        {/* Without JavaScript the buttons submit ?interval=…; app.js switches in place. */}
        <form method="get" action="/pricing" class="buttons has-addons is-centered" role="group" aria-label="Billing period" data-interval-switch>
          <button type="submit" name="interval" value="month" class={`button${interval === 'month' ? ' is-primary is-selected' : ''}`} aria-pressed={interval === 'month' ? 'true' : 'false'}>Monthly</button>
          <button type="submit" name="interval" value="year" class={`button${interval === 'year' ? ' is-primary is-selected' : ''}`} aria-pressed={interval === 'year' ? 'true' : 'false'}>Yearly</button>
        </form>
        {(['month', 'year'] as const).map((shown) => (
          <div class="columns" data-interval-panel={shown} hidden={shown !== interval}>
            {plans.map((plan) => (
              <div class="column"><PlanCard plan={plan} interval={shown} state={state} /></div>
            ))}
          </div>
        ))}
        <p class="has-text-centered help">Prices in {(plans[0]?.currency ?? 'usd').toUpperCase()}. Paid plans renew automatically; cancel at any time from your billing page.</p>
      </div>
    </section>
  )
}
