// Builds Stripe-shaped objects: each starts from a fixture (real shape) and overrides what the stand-in knows.
import * as fixtures from './fixtures.mjs'
import { addMonths } from './wire.mjs'

const clone = (value) => JSON.parse(JSON.stringify(value))

export function makeCustomer({ id, email, name, metadata, created }) {
  return { ...clone(fixtures.customer), id, email: email ?? null, name: name ?? null, metadata: metadata ?? {}, created, livemode: false, description: null, test_clock: null }
}

export function makeProduct({ id, name, description, metadata, created }) {
  return { ...clone(fixtures.product), id, name, description: description ?? null, metadata: metadata ?? {}, created, updated: created, livemode: false, default_price: null, url: null }
}

export function makePrice({ id, product, unitAmount, currency, interval, lookupKey, metadata, created }) {
  return {
    ...clone(fixtures.price), id, product, currency, created, livemode: false, active: true, lookup_key: lookupKey ?? null, metadata: metadata ?? {},
    unit_amount: unitAmount, unit_amount_decimal: String(unitAmount), type: 'recurring', billing_scheme: 'per_unit', nickname: null,
    recurring: { interval, interval_count: 1, meter: null, usage_type: 'licensed', trial_period_days: null }, transform_quantity: null, custom_unit_amount: null,
  }
}

export function makeCheckoutSession({ id, url, customer, price, successUrl, cancelUrl, metadata, clientReferenceId, allowPromotionCodes, subscriptionMetadata, created }) {
  return {
    ...clone(fixtures.checkoutSession), id, url, object: 'checkout.session', mode: 'subscription', status: 'open', payment_status: 'unpaid',
    customer, customer_email: null, subscription: null, invoice: null, payment_intent: null, created, expires_at: created + 24 * 3600,
    success_url: successUrl, cancel_url: cancelUrl ?? null, metadata: metadata ?? {}, client_reference_id: clientReferenceId ?? null,
    allow_promotion_codes: allowPromotionCodes ?? null, livemode: false, currency: price.currency, amount_subtotal: price.unit_amount, amount_total: price.unit_amount,
    // Not part of the API object: what the stand-in needs to create the subscription when the session is paid.
    _line: { price: price.id, subscriptionMetadata: subscriptionMetadata ?? {} },
  }
}

export function publicSession(session) {
  const { _line, ...rest } = session
  return rest
}

export function makeSubscription({ id, customer, price, metadata, created, latestInvoice }) {
  const base = clone(fixtures.subscription)
  const item = { ...clone(base.items.data[0]), id: `si_${id.slice(4, 18)}`, subscription: id, created, price, quantity: 1, metadata: {}, discounts: [], tax_rates: [],
    plan: { ...clone(base.items.data[0].plan), id: price.id, amount: price.unit_amount, amount_decimal: String(price.unit_amount), billing_scheme: 'per_unit', currency: price.currency,
      interval: price.recurring.interval, interval_count: 1, livemode: false, metadata: {}, product: price.product, transform_usage: null },
    current_period_start: created, current_period_end: periodEnd(created, price.recurring.interval), billing_thresholds: null }
  return {
    ...base, id, customer, created, start_date: created, billing_cycle_anchor: created, status: 'active', livemode: false, metadata: metadata ?? {},
    cancel_at: null, cancel_at_period_end: false, canceled_at: null, ended_at: null, cancellation_details: { comment: null, feedback: null, reason: null },
    trial_start: null, trial_end: null, latest_invoice: latestInvoice ?? null, currency: price.currency, discounts: [], schedule: null, test_clock: null,
    pending_update: null, pause_collection: null, default_payment_method: null,
    items: { ...base.items, data: [item], url: `/v1/subscription_items?subscription=${id}` },
  }
}

export function periodEnd(start, interval) {
  return addMonths(start, interval === 'year' ? 12 : 1)
}

/**
 * One invoice line in the shape of the basil+ API: `parent.subscription_item_details.proration` marks a
 * proration (Stripe's recommended way to pick them out of a preview), `pricing.price_details` names the price.
 */
export function makeLine({ invoiceId, index, subscription, price, amount, description, period, proration }) {
  const base = clone(fixtures.invoice.lines.data[0])
  const item = subscription.items.data[0]
  return {
    ...base, id: `il_${invoiceId.replace(/^(upcoming_)?in_/, '').slice(0, 12)}${index}`, invoice: invoiceId, amount, currency: price.currency, description,
    livemode: false, metadata: {}, quantity: 1, subscription: subscription.id, period, discount_amounts: [], discounts: [], discountable: !proration,
    subtotal: amount, taxes: [], pretax_credit_amounts: [],
    parent: { type: 'subscription_item_details', invoice_item_details: null, subscription_item_details: {
      invoice_item: proration ? `ii_${invoiceId.replace(/^(upcoming_)?in_/, '').slice(0, 12)}${index}` : null, proration,
      proration_details: { credited_items: null }, subscription: subscription.id, subscription_item: item.id } },
    pricing: { type: 'price_details', price_details: { price: price.id, product: price.product }, unit_amount_decimal: String(price.unit_amount) },
  }
}

/** "1 × Pro (at $19.00 / month)": the description Stripe gives a subscription's period line. */
export function periodLineDescription(price, productName) {
  return `1 × ${productName ?? price.product} (at $${(price.unit_amount / 100).toFixed(2)} / ${price.recurring.interval})`
}

/**
 * An invoice from the fixture's shape. `lines` (descriptors: amount, description, period, proration, price)
 * default to one line for the subscription's period at its price; the totals are their sum, and what a
 * negative total leaves is credited to the customer's balance, so `amount_due` never goes below zero.
 */
export function makeInvoice({ id, number, customer, subscription, price, productName, status, created, baseUrl, lines, billingReason, periodStart, periodEnd: invoicePeriodEnd, nextPaymentAttempt }) {
  const base = clone(fixtures.invoice)
  const paid = status === 'paid'
  const item = subscription.items.data[0]
  const descriptors = lines ?? [{ price, amount: price.unit_amount, description: periodLineDescription(price, productName), period: { start: item.current_period_start, end: item.current_period_end }, proration: false }]
  const data = descriptors.map((line, index) => makeLine({ invoiceId: id, index, subscription, ...line, price: line.price ?? price }))
  const total = data.reduce((sum, line) => sum + line.amount, 0)
  const due = Math.max(0, total)
  const hosted = id.startsWith('in_')
  return {
    ...base, id, number, customer, created, livemode: false, status, currency: price.currency, collection_method: 'charge_automatically',
    billing_reason: billingReason ?? 'subscription_create', subscription: subscription.id,
    parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: subscription.metadata, subscription: subscription.id } },
    amount_due: due, amount_paid: paid ? due : 0, amount_remaining: paid ? 0 : due, starting_balance: 0, ending_balance: status === 'draft' ? null : Math.min(0, total),
    subtotal: total, subtotal_excluding_tax: total, total, total_excluding_tax: total, amount_overpaid: 0,
    attempted: paid, attempt_count: paid ? 1 : 0, next_payment_attempt: paid ? null : (nextPaymentAttempt ?? null),
    hosted_invoice_url: hosted ? `${baseUrl}/invoices/${id}` : null, invoice_pdf: hosted ? `${baseUrl}/invoices/${id}/pdf` : null,
    period_start: periodStart ?? item.current_period_start, period_end: invoicePeriodEnd ?? item.current_period_end,
    status_transitions: { finalized_at: status === 'draft' ? null : created, marked_uncollectible_at: null, paid_at: paid ? created : null, voided_at: null },
    lines: { ...base.lines, data, has_more: false, url: `/v1/invoices/${id}/lines` },
    last_finalization_error: null, from_invoice: null, webhooks_delivered_at: created,
  }
}

export function makeEvent({ id, type, object, previousAttributes, created }) {
  return {
    ...clone(fixtures.event), id, type, created, livemode: false, api_version: '2026-10-28.endive', pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: previousAttributes ? { object: clone(object), previous_attributes: previousAttributes } : { object: clone(object) },
  }
}

export function makePortalSession({ id, customer, returnUrl, url, created, configuration }) {
  return { ...clone(fixtures.portalSession), id, customer, return_url: returnUrl ?? null, url, created, livemode: false, flow: null, configuration, on_behalf_of: null, locale: null }
}
