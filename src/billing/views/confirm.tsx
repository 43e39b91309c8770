import type { Child } from 'hono/jsx'
import type { CancelPreview, PlanChangePreview } from '../change'
import { formatMoney } from '../format'
import { formatDay } from '../../platform/format'
import { TestModeTag } from './billing'

/**
 * The confirmation steps of a plan change and a cancellation (change-routes.tsx). Each component is the htmx
 * fragment that replaces the `#billing-confirm` slot of /pricing and /billing, and the body of the full
 * page without JavaScript. Its heading takes the focus when htmx swaps it in (autofocus), so a keyboard or
 * screen-reader user lands on the question, and the page scrolls to it.
 */

export function ConfirmPage({ title, testMode, children }: { title: string; testMode: string | null; children: Child }) {
  return (
    <section class="section">
      <div class="container billing-confirm-page">
        <h1 class="title">{title} <TestModeTag label={testMode} /></h1>
        {children}
      </div>
    </section>
  )
}

const intervalWord = (interval: string) => (interval === 'year' ? 'yearly' : 'monthly')

export function ConfirmPlanChange({ preview, fromName }: { preview: PlanChangePreview; fromName: string }) {
  const { plan, interval, current, charge } = preview
  const money = (amount: number) => formatMoney(amount, charge.currency)
  return (
    <div id="billing-confirm" class="box billing-confirm">
      <h2 class="title is-4" id="billing-confirm-title" tabindex={-1} autofocus>Change to {plan.name} ({intervalWord(interval)})?</h2>
      <p>You are on {fromName} ({intervalWord(current.interval)}). Here is what Stripe will charge for this change:</p>
      <dl class="billing-facts mt-3">
        <dt>Due today</dt><dd><strong>{money(charge.dueNow)}</strong></dd>
        {charge.next && <><dt>Next invoice</dt><dd>{money(charge.next.amount)} on {formatDay(charge.next.date)}</dd></>}
      </dl>
      {charge.prorations.length > 0 && (
        <div class="mt-3">
          <p>{charge.dueNow > 0 ? 'Today’s charge includes' : 'The next invoice includes'} these adjustments for the rest of your current period:</p>
          <table class="table is-narrow is-fullwidth billing-prorations">
            <caption class="is-sr-only">Adjustments for the rest of the current period</caption>
            <tbody>
              {charge.prorations.map((line) => <tr><td>{line.description}</td><td class="has-text-right">{money(line.amount)}</td></tr>)}
            </tbody>
            <tfoot>
              <tr><th scope="row">Net adjustment</th><td class="has-text-right">{money(charge.prorationTotal)}</td></tr>
            </tfoot>
          </table>
          {charge.prorationTotal < 0 && <p class="help">A net credit is taken off your next invoices.</p>}
        </div>
      )}
      {current.cancelAtPeriodEnd && <p class="mt-2">Your subscription was set to end; changing plan keeps it running.</p>}
      <form method="post" action="/billing/change" class="buttons mt-4">
        <input type="hidden" name="plan" value={plan.id} />
        <input type="hidden" name="interval" value={interval} />
        <input type="hidden" name="proration_date" value={String(preview.prorationDate)} />
        <input type="hidden" name="from_price" value={current.stripePriceId} />
        <button class="button is-primary" type="submit">Confirm change to {plan.name}</button>
        <a class="button is-light" href="/billing">Keep my current plan</a>
      </form>
    </div>
  )
}

export function ConfirmCancel({ preview }: { preview: CancelPreview }) {
  const endsOn = formatDay(preview.current.currentPeriodEnd)
  const final = preview.finalInvoice
  return (
    <div id="billing-confirm" class="box billing-confirm">
      <h2 class="title is-4" id="billing-confirm-title" tabindex={-1} autofocus>Cancel your subscription?</h2>
      {final
        ? <p><strong>Your plan stays active until {endsOn}.</strong> A final invoice of {formatMoney(final.amount, final.currency)} on {formatDay(final.date)} settles earlier plan changes; after that you won’t be charged again.</p>
        : <p><strong>Your plan stays active until {endsOn}; you won’t be charged again.</strong></p>}
      <p class="mt-2">Then your account moves to the Free plan. You can resume the subscription any time before {endsOn}.</p>
      <form method="post" action="/billing/subscription/cancel" class="buttons mt-4">
        <button class="button is-danger" type="submit">Cancel at period end</button>
        <a class="button is-light" href="/billing">Keep my subscription</a>
      </form>
    </div>
  )
}
