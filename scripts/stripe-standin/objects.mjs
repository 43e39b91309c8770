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

export function makeInvoice({ id, number, customer, subscription, price, productName, status, created, baseUrl }) {
  const base = clone(fixtures.invoice)
  const paid = status === 'paid'
  const item = subscription.items.data[0]
  const line = { ...clone(base.lines.data[0] ?? {}), id: `il_${id.slice(3, 17)}`, invoice: id, amount: price.unit_amount, currency: price.currency,
    description: `1 × ${productName ?? price.product} (at ${(price.unit_amount / 100).toFixed(2)} / ${price.recurring.interval})`, livemode: false, metadata: {}, quantity: 1,
    subscription: subscription.id, period: { start: item.current_period_start, end: item.current_period_end } }
  return {
    ...base, id, number, customer, created, livemode: false, status, currency: price.currency, collection_method: 'charge_automatically',
    billing_reason: 'subscription_create', subscription: subscription.id,
    parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: subscription.metadata, subscription: subscription.id } },
    amount_due: price.unit_amount, amount_paid: paid ? price.unit_amount : 0, amount_remaining: paid ? 0 : price.unit_amount,
    subtotal: price.unit_amount, subtotal_excluding_tax: price.unit_amount, total: price.unit_amount, total_excluding_tax: price.unit_amount,
    attempted: true, attempt_count: 1,
    hosted_invoice_url: `${baseUrl}/invoices/${id}`, invoice_pdf: `${baseUrl}/invoices/${id}/pdf`,
    period_start: item.current_period_start, period_end: item.current_period_end,
    status_transitions: { finalized_at: created, marked_uncollectible_at: null, paid_at: paid ? created : null, voided_at: null },
    lines: { ...base.lines, data: [line], has_more: false, url: `/v1/invoices/${id}/lines` },
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
