// What happens to a subscription in the stand-in: checkout completes, renewals succeed or fail, plan
// changes and cancellations, each writing the state's objects and emitting the events Stripe would.
import { json, randomId } from './wire.mjs'
import { makeInvoice, makeSubscription, periodEnd, periodLineDescription, publicSession } from './objects.mjs'
import { changeLines, resolveChange } from './preview.mjs'

/** `state` is the stand-in's object store; `emit` and `release` come from its webhook sender. */
export function createSubscriptionLifecycle({ state, baseUrl, seconds, emit, release }) {
  let invoiceCounter = 0

  function createInvoice(subscription, status, options = {}) {
    const price = subscription.items.data[0].price
    const id = `in_${randomId(24)}`
    invoiceCounter += 1
    const invoice = makeInvoice({ id, number: `LOCAL-${String(invoiceCounter).padStart(4, '0')}`, customer: subscription.customer, subscription, price, productName: state.products.get(price.product)?.name, status, created: seconds(), baseUrl, ...options })
    state.invoices.set(id, invoice)
    subscription.latest_invoice = id
    return invoice
  }

  /** A preview (never stored): `upcoming_in_…`, a draft without number or hosted page, like Stripe's. */
  function previewInvoice(subscription, { prorationDate, ...options }) {
    const invoice = makeInvoice({ id: `upcoming_in_${randomId(24)}`, number: null, customer: subscription.customer, subscription, status: 'draft', baseUrl, ...options })
    invoice.parent.subscription_details = { ...invoice.parent.subscription_details, ...prorationDate }
    return json(invoice)
  }

  /** The next period's invoice lines: the pending prorations (now billed) and the period at the current price. */
  function renewalLines(subscription) {
    const item = subscription.items.data[0]
    const pending = state.pendingItems.get(subscription.id) ?? []
    state.pendingItems.delete(subscription.id)
    const start = item.current_period_end
    return [...pending, { price: item.price, amount: item.price.unit_amount, description: periodLineDescription(item.price, state.products.get(item.price.product)?.name),
      period: { start, end: periodEnd(start, item.price.recurring.interval) }, proration: false }]
  }

  /** A checkout session paid: the subscription and its first invoice exist, then Stripe's events go out. */
  async function completeCheckout(session) {
    const price = state.prices.get(session._line.price)
    const subscription = makeSubscription({ id: `sub_${randomId(24)}`, customer: session.customer, price, metadata: session._line.subscriptionMetadata, created: seconds() })
    // What a real Checkout sends (https://docs.stripe.com/billing/subscriptions/webhooks): the subscription
    // starts `incomplete` with a draft invoice, the invoice is finalized and paid, the subscription turns
    // `active`, and the session completes. Each event carries the object as it was when it happened.
    subscription.status = 'incomplete'
    state.subscriptions.set(subscription.id, subscription)
    const invoice = createInvoice(subscription, 'draft')
    Object.assign(invoice, { attempted: false, attempt_count: 0 })
    invoice.status_transitions.finalized_at = null
    await emit('customer.subscription.created', subscription)
    await emit('invoice.created', invoice)
    invoice.status = 'open'
    invoice.status_transitions.finalized_at = seconds()
    await emit('invoice.finalized', invoice)
    Object.assign(invoice, { status: 'paid', amount_paid: invoice.amount_due, amount_remaining: 0, attempted: true, attempt_count: 1 })
    invoice.status_transitions.paid_at = seconds()
    subscription.status = 'active'
    Object.assign(session, { status: 'complete', payment_status: 'paid', subscription: subscription.id, invoice: invoice.id })
    await emit('invoice.paid', invoice)
    await emit('invoice.payment_succeeded', invoice)
    await emit('customer.subscription.updated', subscription, { status: 'incomplete' })
    await emit('checkout.session.completed', publicSession(session))
    release()
    return session
  }

  /** The portal's "renewal fails" and "pay now" buttons: the dunning path without waiting a month. */
  async function renew(subscription, outcome) {
    const item = subscription.items.data[0]
    if (outcome === 'fail') {
      const invoice = createInvoice(subscription, 'open', { lines: renewalLines(subscription), billingReason: 'subscription_cycle' })
      Object.assign(invoice, { attempted: true, attempt_count: 1 })
      const previous = { status: subscription.status }
      subscription.status = 'past_due'
      await emit('invoice.payment_failed', invoice)
      await emit('customer.subscription.updated', subscription, previous)
      release()
      return
    }
    const open = [...state.invoices.values()].find((inv) => inv.subscription === subscription.id && inv.status === 'open')
    const invoice = open ?? createInvoice(subscription, 'paid', { lines: renewalLines(subscription), billingReason: 'subscription_cycle' })
    Object.assign(invoice, { status: 'paid', amount_paid: invoice.amount_due, amount_remaining: 0 })
    invoice.status_transitions.paid_at = seconds()
    const previous = { status: subscription.status }
    subscription.status = 'active'
    if (!open) {
      item.current_period_start = item.current_period_end
      item.current_period_end = periodEnd(item.current_period_start, item.price.recurring.interval)
    }
    await emit('invoice.paid', invoice)
    await emit('customer.subscription.updated', subscription, previous)
    release()
  }

  async function updateSubscription(subscription, params) {
    const previous = {}
    const item = subscription.items.data[0]
    const changesPrice = params.items?.[0]?.price !== undefined || params.proration_date !== undefined || params.proration_behavior !== undefined
    const change = changesPrice ? resolveChange(state, subscription, params, '', seconds()) : null
    if (change?.error) return change.error
    if (params.cancel_at_period_end !== undefined) {
      previous.cancel_at_period_end = subscription.cancel_at_period_end
      subscription.cancel_at_period_end = params.cancel_at_period_end === 'true'
      subscription.cancel_at = subscription.cancel_at_period_end ? item.current_period_end : null
      subscription.canceled_at = subscription.cancel_at_period_end ? seconds() : null
    }
    if (change && change.price.id !== item.price.id) {
      // The same lines create_preview showed for this proration date (preview.mjs).
      const { prorations, periodLine, resetsPeriod } = changeLines(state, subscription, change)
      previous.items = JSON.parse(JSON.stringify(subscription.items))
      const price = change.price
      item.price = price
      item.plan = { ...item.plan, id: price.id, amount: price.unit_amount, amount_decimal: String(price.unit_amount), interval: price.recurring.interval, product: price.product }
      const pending = state.pendingItems.get(subscription.id) ?? []
      if (resetsPeriod || (change.behavior === 'always_invoice' && prorations.length > 0)) {
        state.pendingItems.delete(subscription.id)
        if (resetsPeriod) {
          item.current_period_start = periodLine.period.start
          item.current_period_end = periodLine.period.end
        }
        const invoice = createInvoice(subscription, 'paid', { lines: [...pending, ...prorations, ...(periodLine ? [periodLine] : [])], billingReason: 'subscription_update' })
        await emit('invoice.created', invoice)
        await emit('invoice.finalized', invoice)
        await emit('invoice.paid', invoice)
      } else if (prorations.length > 0) {
        state.pendingItems.set(subscription.id, [...pending, ...prorations])
      }
    }
    if (params.metadata) subscription.metadata = { ...subscription.metadata, ...params.metadata }
    await emit('customer.subscription.updated', subscription, previous)
    release()
    return json(subscription)
  }

  async function cancelSubscription(subscription) {
    if (subscription.status === 'canceled') return json(subscription)
    Object.assign(subscription, { status: 'canceled', canceled_at: seconds(), ended_at: seconds(), cancel_at_period_end: false })
    await emit('customer.subscription.deleted', subscription)
    release()
    return json(subscription)
  }

  return { completeCheckout, renew, updateSubscription, cancelSubscription, previewInvoice }
}
