// A local Stripe stand-in (docs/billing.md, ADR 0030): the slice of Stripe's API the app uses, a checkout page
// with test card outcomes and a customer-portal page, all in memory. Paying sends webhooks signed like
// Stripe's. It is one fetch handler, `handle(request)`, so `npm run dev` serves it over HTTP (server.mjs) and
// the Workers tests answer the app's Stripe calls with it at the fetch boundary. Never part of the Worker.
import { json, missing, parseStripeForm, randomId, stripeError } from './wire.mjs'
import { makeCheckoutSession, makeCustomer, makePortalSession, makePrice, makeProduct, publicSession } from './objects.mjs'
import { previewSubscriptionChange } from './preview.mjs'
import { handlePage } from './pages.mjs'
import { createIdempotencyStore, noPortalConfiguration, tooManyLookupKeys } from './rules.mjs'
import { routeWebhookEndpoints } from './webhook-endpoints.mjs'
import { createWebhookSender } from './webhook-sender.mjs'
import { createSubscriptionLifecycle } from './subscriptions.mjs'

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
  const seconds = () => Math.floor(now() / 1000)
  const { events, emit, release, idle } = createWebhookSender({ webhookSecret, deliver, delivery, random, seconds })
  const { completeCheckout, renew, updateSubscription, cancelSubscription, previewInvoice } = createSubscriptionLifecycle({ state, baseUrl, seconds, emit, release })

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
    idle,
    renew: (subscriptionId, outcome) => renew(state.subscriptions.get(subscriptionId), outcome),
  }
}
