// Webhook endpoints in the stand-in (`quickscale stripe setup`), shaped like Stripe's
// (https://docs.stripe.com/api/webhook_endpoints): the signing secret is returned only by create, and an
// endpoint's `api_version` is fixed at creation — update refuses it, as Stripe does, so the CLI must
// report a wrong version instead of "fixing" it. The stand-in delivers its own events to the app's URL
// (server.mjs); these records only answer the API.
import { json, missing, randomId, stripeError } from './wire.mjs'

const UPDATABLE = new Set(['enabled_events', 'url', 'description', 'disabled', 'metadata'])

/** Answers `/v1/webhook_endpoints[/:id]`, or null for any other path. */
export function routeWebhookEndpoints(endpoints, method, path, params, seconds) {
  const match = /^\/v1\/webhook_endpoints(?:\/([\w-]+))?$/.exec(path)
  if (!match) return null
  const id = match[1]
  if (!id && method === 'GET') return listEndpoints(endpoints, params)
  if (!id && method === 'POST') return createEndpoint(endpoints, params, seconds)
  if (!id) return null
  const endpoint = endpoints.get(id)
  if (!endpoint) return missing('webhook_endpoint', id)
  if (method === 'GET') return json(endpoint)
  if (method === 'DELETE') {
    endpoints.delete(id)
    return json({ id, object: 'webhook_endpoint', deleted: true })
  }
  if (method === 'POST') return updateEndpoint(endpoint, params)
  return null
}

function listEndpoints(endpoints, params) {
  // Newest first, `limit` (1–100, default 10) and `starting_after`, as Stripe's list endpoints page.
  const all = [...endpoints.values()].reverse()
  const limit = Math.min(Math.max(Number(params.limit ?? 10) || 10, 1), 100)
  const start = params.starting_after ? all.findIndex((e) => e.id === params.starting_after) + 1 : 0
  if (params.starting_after && start === 0) return missing('webhook_endpoint', params.starting_after)
  const data = all.slice(start, start + limit)
  return json({ object: 'list', data, has_more: start + limit < all.length, url: '/v1/webhook_endpoints' })
}

function createEndpoint(endpoints, params, seconds) {
  if (!params.url) return stripeError(400, 'Missing required param: url.', { param: 'url' })
  const events = params.enabled_events
  if (!Array.isArray(events) || events.length === 0) return stripeError(400, 'Missing required param: enabled_events.', { param: 'enabled_events' })
  if (params.api_version !== undefined && !/^\d{4}-\d{2}-\d{2}(\.\w+)?$/.test(params.api_version)) {
    return stripeError(400, `Invalid Stripe API version: ${params.api_version}`, { param: 'api_version' })
  }
  const endpoint = {
    id: `we_${randomId(24)}`, object: 'webhook_endpoint', api_version: params.api_version ?? null, application: null, created: seconds(),
    description: params.description ?? null, enabled_events: [...events], livemode: false, metadata: params.metadata ?? {}, status: 'enabled', url: params.url,
  }
  endpoints.set(endpoint.id, endpoint)
  // The secret belongs to the create answer only; a later retrieve or list never shows it.
  return json({ ...endpoint, secret: `whsec_${randomId(32)}` })
}

function updateEndpoint(endpoint, params) {
  const unknown = Object.keys(params).find((key) => !UPDATABLE.has(key))
  if (unknown) return stripeError(400, `Received unknown parameter: ${unknown}`, { param: unknown })
  if (params.enabled_events !== undefined) {
    if (!Array.isArray(params.enabled_events) || params.enabled_events.length === 0) return stripeError(400, 'Invalid array: enabled_events must not be empty.', { param: 'enabled_events' })
    endpoint.enabled_events = [...params.enabled_events]
  }
  if (params.url !== undefined) endpoint.url = params.url
  if (params.description !== undefined) endpoint.description = params.description || null
  if (params.disabled !== undefined) endpoint.status = params.disabled === 'true' ? 'disabled' : 'enabled'
  if (params.metadata !== undefined) endpoint.metadata = { ...endpoint.metadata, ...params.metadata }
  return json(endpoint)
}
