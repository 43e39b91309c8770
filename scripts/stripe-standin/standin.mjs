// A local Stripe stand-in (docs/billing.md, ADR 0030): the slice of Stripe's API the app uses, a checkout page
// with test card outcomes and a customer-portal page, all in memory. Paying sends webhooks signed like
// Stripe's. It is one fetch handler, `handle(request)`, so `npm run dev` serves it over HTTP (server.mjs) and
// the Workers tests answer the app's Stripe calls with it at the fetch boundary. Never part of the Worker.
import { json, missing, parseStripeForm, randomId, signPayload, stripeError } from './wire.mjs'
import {
  makeCheckoutSession, makeCustomer, makeEvent, makeInvoice, makePortalSession, makePrice, makeProduct, makeSubscription, periodEnd, periodLineDescription, publicSession,
} from './objects.mjs'
import { changeLines, previewSubscriptionChange, resolveChange } from './preview.mjs'
import { handlePage } from './pages.mjs'
import { createIdempotencyStore, noPortalConfiguration, tooManyLookupKeys } from './rules.mjs'
import { routeWebhookEndpoints } from './webhook-endpoints.mjs'

/**
 * @param {object} options
 * @param {string} options.baseUrl       where the browser reaches the stand-in (checkout and portal URLs)
 * @param {string} options.webhookSecret the `whsec_…` secret the app verifies with
 * @param {(event: object, payload: string, signature: string) => Promise<void>} [options.deliver]
 *        sends one signed event to the app; without it events are only collected in `events`
 * @param {'concurrent' | 'sequential'} [options.delivery] how an operation's events reach `deliver`.
 *        'concurrent' is Stripe's documented behaviour (https://docs.stripe.com/webhooks#event-ordering:
 *        no order guaranteed, deliveries in parallel): all of an operation's events at once, shuffled,
 *        after the API call has answered. 'sequential' awaits each in emission order.
 * @param {() => number} [options.random] for the shuffle (tests inject a seeded one)
 * @param {() => number} [options.now]   clock in milliseconds (tests inject it)
 */
export function createStripeStandin({ baseUrl, webhookSecret, deliver, delivery = 'concurrent', random = Math.random, now = () => Date.now() }) {
  const state = { customers: new Map(), products: new Map(), prices: new Map(), sessions: new Map(), subscriptions: new Map(), invoices: new Map(), portals: new Map(), portalConfigurations: new Map(), webhookEndpoints: new Map(),
    // Prorations waiting for a subscription's next invoice (create_prorations), by subscription id.
    pendingItems: new Map() }
  const idempotency = createIdempotencyStore(now)
  const events = []
  const batch = []
  const inFlight = new Set()
  let invoiceCounter = 0
  const seconds = () => Math.floor(now() / 1000)

  async function send(event) {
    const payload = JSON.stringify(event, null, 2)
    await deliver(event, payload, await signPayload(payload, webhookSecret, seconds()))
  }

  async function emit(type, object, previousAttributes) {
    const event = makeEvent({ id: `evt_${randomId(24)}`, type, object, previousAttributes, created: seconds() })
    events.push(event)
    if (deliver && delivery === 'sequential') await send(event)
    else if (deliver) batch.push(event)
    return event
  }

  /** End of an operation: its events go out together, in a random order, without holding up the caller. */
  function release() {
    const shuffled = batch.splice(0)
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]]
    }
    for (const event of shuffled) {
      const sending = send(event).catch(() => undefined).finally(() => inFlight.delete(sending))
      inFlight.add(sending)
    }
  }

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

  async function handleApi(request, path) {
    const auth = request.headers.get('authorization') ?? ''
    if (!/^Bearer sk_(test|live)_\S+$/.test(auth)) return stripeError(401, 'Invalid API Key provided.')
    const url = new URL(request.url)
    const body = request.method === 'GET' || request.method === 'DELETE' ? url.search.slice(1) : new TextDecoder().decode(await request.arrayBuffer())
    const params = parseStripeForm(body)
    if (request.method !== 'POST') return routeApi(request, path, params)
    return idempotency.run(request.headers.get('idempotency-key'), `${request.method} ${path} ${body}`, () => routeApi(request, path, params))
  }

  async function routeApi(request, path, params) {
    const endpoints = routeWebhookEndpoints(state.webhookEndpoints, request.method, path, params, seconds)
    if (endpoints) return endpoints
    const route = `${request.method} ${path.replace(/\/(cus|prod|price|cs|sub|in|bps)_[\w-]+/, '/:id')}`
    const id = path.split('/')[path.startsWith('/v1/checkout/') || path.startsWith('/v1/billing_portal/') ? 4 : 3]
    switch (route) {
      case 'POST /v1/customers': {
        const customer = makeCustomer({ id: `cus_${randomId(14)}`, email: params.email, name: params.name, metadata: params.metadata, created: seconds() })
        state.customers.set(customer.id, customer)
        return json(customer)
      }
      case 'GET /v1/customers/:id':
        return state.customers.has(id) ? json(state.customers.get(id)) : missing('customer', id)
      case 'DELETE /v1/customers/:id': {
        if (!state.customers.has(id)) return missing('customer', id)
        state.customers.delete(id)
        return json({ id, object: 'customer', deleted: true })
      }
      case 'GET /v1/customers/search': {
        // Only the query the app makes: metadata['key']:'value'.
        const match = /^metadata\['([\w-]+)'\]:'([^']*)'$/.exec(params.query ?? '')
        if (!match) return stripeError(400, `The stand-in only searches customers by one metadata value, not: ${params.query}`, { param: 'query' })
        const data = [...state.customers.values()].filter((c) => c.metadata?.[match[1]] === match[2])
        return json({ object: 'search_result', data, has_more: false, next_page: null, url: '/v1/customers/search' })
      }
      case 'POST /v1/products': {
        const productId = params.id ?? `prod_${randomId(14)}`
        if (state.products.has(productId)) return stripeError(400, `Product already exists.`, { code: 'resource_already_exists' })
        const product = makeProduct({ id: productId, name: params.name, description: params.description, metadata: params.metadata, created: seconds() })
        state.products.set(product.id, product)
        return json(product)
      }
      case 'GET /v1/products/:id':
        return state.products.has(id) ? json(state.products.get(id)) : missing('product', id)
      case 'GET /v1/prices': {
        const keys = params.lookup_keys ?? []
        const refused = tooManyLookupKeys(keys)
        if (refused) return refused
        const data = [...state.prices.values()].filter((p) => p.active && (keys.length === 0 || keys.includes(p.lookup_key)))
        return json({ object: 'list', data, has_more: false, url: '/v1/prices' })
      }
      case 'POST /v1/prices': {
        if (!state.products.has(params.product)) return missing('product', params.product)
        const unitAmount = Number(params.unit_amount)
        // Deterministic ids: several stand-ins (one per test file) agree on the ids the plans table stores.
        const price = makePrice({ id: `price_${params.lookup_key ?? randomId(10)}_${unitAmount}`, product: params.product, unitAmount, currency: params.currency,
          interval: params.recurring?.interval ?? 'month', lookupKey: params.lookup_key, metadata: params.metadata, created: seconds() })
        if (params.transfer_lookup_key === 'true') for (const p of state.prices.values()) if (p.lookup_key === price.lookup_key) p.lookup_key = null
        state.prices.set(price.id, price)
        return json(price)
      }
      case 'POST /v1/checkout/sessions': {
        if (params.mode !== 'subscription') return stripeError(400, 'The stand-in only knows mode=subscription.')
        if (!state.customers.has(params.customer)) return missing('customer', params.customer)
        const price = state.prices.get(params.line_items?.[0]?.price)
        if (!price) return missing('price', params.line_items?.[0]?.price)
        if (!params.success_url) return stripeError(400, 'Missing required param: success_url.', { param: 'success_url' })
        const sessionId = `cs_test_${randomId(40)}`
        const session = makeCheckoutSession({ id: sessionId, url: `${baseUrl}/checkout/${sessionId}`, customer: params.customer, price, successUrl: params.success_url,
          cancelUrl: params.cancel_url, metadata: params.metadata, clientReferenceId: params.client_reference_id, allowPromotionCodes: params.allow_promotion_codes === 'true',
          subscriptionMetadata: params.subscription_data?.metadata, created: seconds() })
        state.sessions.set(sessionId, session)
        return json(publicSession(session))
      }
      case 'GET /v1/checkout/sessions': {
        const data = [...state.sessions.values()]
          .filter((x) => (!params.customer || x.customer === params.customer) && (!params.status || x.status === params.status))
          .map(publicSession)
        return json({ object: 'list', data, has_more: false, url: '/v1/checkout/sessions' })
      }
      case 'POST /v1/checkout/sessions/:id/expire': {
        const session = state.sessions.get(id)
        if (!session) return missing('checkout.session', id)
        // Only an open session can expire (https://docs.stripe.com/api/checkout/sessions/expire).
        if (session.status !== 'open') return stripeError(400, `This Checkout Session is ${session.status}: only an open session can be expired.`)
        session.status = 'expired'
        await emit('checkout.session.expired', publicSession(session))
        release()
        return json(publicSession(session))
      }
      case 'GET /v1/checkout/sessions/:id':
        return state.sessions.has(id) ? json(publicSession(state.sessions.get(id))) : missing('checkout.session', id)
      case 'GET /v1/subscriptions/:id':
        return state.subscriptions.has(id) ? json(state.subscriptions.get(id)) : missing('subscription', id)
      case 'POST /v1/subscriptions/:id':
        return state.subscriptions.has(id) ? updateSubscription(state.subscriptions.get(id), params) : missing('subscription', id)
      case 'DELETE /v1/subscriptions/:id':
        return state.subscriptions.has(id) ? cancelSubscription(state.subscriptions.get(id)) : missing('subscription', id)
      case 'POST /v1/invoices/create_preview':
        return previewSubscriptionChange(state, params, seconds(), previewInvoice)
      case 'GET /v1/invoices/:id':
        return state.invoices.has(id) ? json(state.invoices.get(id)) : missing('invoice', id)
      case 'POST /v1/billing_portal/configurations': {
        // Made through the API, a configuration is never the default: Stripe makes that one when portal
        // settings are saved in the Dashboard (`is_default` is read-only). Sessions then name it.
        const config = { id: `bpc_${randomId(24)}`, object: 'billing_portal.configuration', active: true, is_default: false,
          business_profile: params.business_profile ?? {}, default_return_url: params.default_return_url ?? null, features: params.features ?? {},
          metadata: params.metadata ?? {}, livemode: false, created: seconds(), updated: seconds() }
        state.portalConfigurations.set(config.id, config)
        return json(config)
      }
      case 'GET /v1/billing_portal/configurations': {
        const data = [...state.portalConfigurations.values()]
          .filter((c) => (params.is_default === undefined || String(c.is_default) === params.is_default) && (params.active === undefined || String(c.active) === params.active))
        return json({ object: 'list', data, has_more: false, url: '/v1/billing_portal/configurations' })
      }
      case 'POST /v1/billing_portal/sessions': {
        if (!state.customers.has(params.customer)) return missing('customer', params.customer)
        const configured = params.configuration ? state.portalConfigurations.has(params.configuration) : [...state.portalConfigurations.values()].some((c) => c.is_default)
        if (!configured) return params.configuration ? missing('billing_portal.configuration', params.configuration) : noPortalConfiguration()
        const portalId = `bps_${randomId(24)}`
        const configuration = params.configuration ?? [...state.portalConfigurations.values()].find((c) => c.is_default)?.id
        const portal = makePortalSession({ id: portalId, customer: params.customer, returnUrl: params.return_url, url: `${baseUrl}/portal/${portalId}`, created: seconds(), configuration })
        state.portals.set(portalId, portal)
        return json(portal)
      }
      default:
        return stripeError(404, `Unrecognized request URL (${request.method}: ${path}). The local stand-in implements only what QuickScale uses.`)
    }
  }

  const api = { state, events, baseUrl, completeCheckout, renew, updateSubscription, cancelSubscription, emit }

  return {
    events,
    state,
    /** Answers one request: `/v1/*` is the API, everything else the browser pages. */
    async handle(request) {
      const path = new URL(request.url).pathname
      try {
        if (path.startsWith('/v1/')) return await handleApi(request, path)
        return await handlePage(api, request, path)
      } catch (err) {
        return stripeError(500, `Stand-in error: ${err?.message ?? err}`)
      }
    },
    completeCheckout: (sessionId) => completeCheckout(state.sessions.get(sessionId)),
    /** Resolves when every webhook released so far has been answered (tests, shutdown). */
    idle: async () => { while (inFlight.size > 0) await Promise.all([...inFlight]) },
    renew: (subscriptionId, outcome) => renew(state.subscriptions.get(subscriptionId), outcome),
  }
}
