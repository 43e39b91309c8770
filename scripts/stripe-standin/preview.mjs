// Prorations and invoice previews for the Stripe stand-in, computed the way Stripe does, so that what
// POST /v1/invoices/create_preview shows is what POST /v1/subscriptions/:id then bills
// (https://docs.stripe.com/api/invoices/create_preview, https://docs.stripe.com/billing/subscriptions/prorations):
// - a price change at time t of the period [start, end) credits the unused time of the old price and charges
//   the remaining time of the new one, each amount × (end − t) / (end − start), rounded to the minor unit;
// - `create_prorations` (the default) leaves them as pending items for the next invoice; `always_invoice`
//   invoices them at once; `none` makes none;
// - a change of interval resets the billing cycle: the new period starts at once and is invoiced with the
//   credit for the unused old time (https://docs.stripe.com/billing/subscriptions/billing-cycle#changing);
// - the same `proration_date` given to the preview and the update gives the same amounts.
import { stripeError } from './wire.mjs'
import { periodEnd, periodLineDescription } from './objects.mjs'

const PRORATION_BEHAVIORS = ['create_prorations', 'always_invoice', 'none']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** "05 Dec 2026", as Stripe writes it in proration descriptions ("Unused time on Pro after 05 Dec 2026"). */
function stripeDay(seconds) {
  const d = new Date(seconds * 1000)
  return `${String(d.getUTCDate()).padStart(2, '0')} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`
}

/**
 * Checks and resolves the parameters of a subscription change, shared by the preview (`prefix` =
 * 'subscription_details') and the update (no prefix): Stripe names the offending parameter in its error.
 * Returns `{ error }` (a Response) or `{ price, behavior, at, cancelAtPeriodEnd }`.
 */
export function resolveChange(state, subscription, params, prefix, nowSeconds) {
  const name = (key) => (prefix ? `${prefix}[${key}]` : key)
  const item = subscription.items.data[0]
  if (subscription.status === 'canceled') {
    return { error: stripeError(400, `This subscription is canceled: ${subscription.id}. A canceled subscription cannot be updated or previewed.`, { param: prefix ? 'subscription' : 'id' }) }
  }
  const behavior = params.proration_behavior ?? 'create_prorations'
  if (!PRORATION_BEHAVIORS.includes(behavior)) {
    return { error: stripeError(400, `Invalid ${name('proration_behavior')}: must be one of ${PRORATION_BEHAVIORS.join(', ')}`, { param: name('proration_behavior') }) }
  }
  const itemParams = params.items?.[0]
  let price = item.price
  if (itemParams?.price !== undefined) {
    price = state.prices.get(itemParams.price)
    if (!price) return { error: stripeError(400, `No such price: '${itemParams.price}'`, { code: 'resource_missing', param: `${name('items')}[0][price]` }) }
  }
  if (itemParams?.id !== undefined && itemParams.id !== item.id) {
    return { error: stripeError(400, `No such subscription item: '${itemParams.id}'`, { code: 'resource_missing', param: `${name('items')}[0][id]` }) }
  }
  let at = nowSeconds
  if (params.proration_date !== undefined) {
    at = Number(params.proration_date)
    if (!Number.isInteger(at) || at < item.current_period_start || at > item.current_period_end) {
      return { error: stripeError(400, `${name('proration_date')} must be a timestamp within the subscription's current period (${item.current_period_start} to ${item.current_period_end}).`, { param: name('proration_date') }) }
    }
  }
  const cancelAtPeriodEnd = params.cancel_at_period_end === undefined ? subscription.cancel_at_period_end : params.cancel_at_period_end === 'true'
  return { price, behavior, at, cancelAtPeriodEnd }
}

/**
 * The lines a change makes: prorations (when the price changes and prorating is on) and, when the interval
 * changes, the new period billed at once. `resetsPeriod` says whether the billing cycle restarts at `at`.
 */
export function changeLines(state, subscription, { price, behavior, at }) {
  const item = subscription.items.data[0]
  const old = item.price
  if (price.id === old.id) return { prorations: [], periodLine: null, resetsPeriod: false }
  const resetsPeriod = price.recurring.interval !== old.recurring.interval
  const { current_period_start: start, current_period_end: end } = item
  const share = (end - at) / (end - start)
  const name = (p) => state.products.get(p.product)?.name ?? p.product
  const prorations = behavior === 'none' ? [] : [
    { price: old, amount: -Math.round(old.unit_amount * share), description: `Unused time on ${name(old)} after ${stripeDay(at)}`, period: { start: at, end }, proration: true },
    // After a reset the new price is billed for a whole new period below, not prorated to the old end.
    ...(resetsPeriod ? [] : [{ price, amount: Math.round(price.unit_amount * share), description: `Remaining time on ${name(price)} after ${stripeDay(at)}`, period: { start: at, end }, proration: true }]),
  ]
  const periodLine = resetsPeriod
    ? { price, amount: price.unit_amount, description: periodLineDescription(price, name(price)), period: { start: at, end: periodEnd(at, price.recurring.interval) }, proration: false }
    : null
  return { prorations, periodLine, resetsPeriod }
}

/**
 * POST /v1/invoices/create_preview for an existing subscription: the invoice the change would bill at once
 * (interval change or `always_invoice`), else the subscription's next invoice with the pending items and the
 * new prorations. A subscription that ends at period end with nothing pending has no next invoice, and
 * Stripe says so (`invoice_upcoming_none`).
 */
export function previewSubscriptionChange(state, params, nowSeconds, buildInvoice) {
  if (!params.subscription) {
    if (!params.customer) return stripeError(400, 'Missing required param: customer. Pass customer, subscription or schedule to preview an invoice.', { param: 'customer' })
    return stripeError(400, 'The stand-in previews invoices of an existing subscription only: pass subscription.', { param: 'subscription' })
  }
  const subscription = state.subscriptions.get(params.subscription)
  if (!subscription) return stripeError(404, `No such subscription: '${params.subscription}'`, { code: 'resource_missing', param: 'subscription' })
  if (params.customer && params.customer !== subscription.customer) {
    return stripeError(400, `The subscription ${subscription.id} does not belong to customer ${params.customer}.`, { param: 'customer' })
  }
  const change = resolveChange(state, subscription, params.subscription_details ?? {}, 'subscription_details', nowSeconds)
  if (change.error) return change.error
  const item = subscription.items.data[0]
  const { prorations, periodLine, resetsPeriod } = changeLines(state, subscription, change)
  const pending = state.pendingItems.get(subscription.id) ?? []
  const prorationDate = { subscription_proration_date: change.at }
  if (resetsPeriod || (change.behavior === 'always_invoice' && prorations.length > 0)) {
    const lines = [...pending, ...prorations, ...(periodLine ? [periodLine] : [])]
    return buildInvoice(subscription, { lines, price: change.price, created: change.at, billingReason: 'subscription_update', periodStart: change.at, periodEnd: change.at, nextPaymentAttempt: change.at, prorationDate })
  }
  const renewal = change.cancelAtPeriodEnd ? [] : [{ price: change.price, amount: change.price.unit_amount, description: periodLineDescription(change.price, state.products.get(change.price.product)?.name),
    period: { start: item.current_period_end, end: periodEnd(item.current_period_end, change.price.recurring.interval) }, proration: false }]
  const lines = [...pending, ...prorations, ...renewal]
  if (lines.length === 0) return stripeError(400, `No upcoming invoices for customer: ${subscription.customer}`, { code: 'invoice_upcoming_none' })
  // The next invoice is made when the period ends and charged about an hour later, as Stripe does.
  return buildInvoice(subscription, { lines, price: change.price, created: item.current_period_end, billingReason: 'upcoming', periodStart: item.current_period_start, periodEnd: item.current_period_end,
    nextPaymentAttempt: item.current_period_end + 3600, prorationDate })
}
