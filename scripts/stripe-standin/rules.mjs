// Stripe's request rules that change what the app must do, enforced by the stand-in so the app is tested
// against them (issue 18). Sources: https://docs.stripe.com/api/idempotent_requests (keys kept 24 h, same
// parameters only, one request at a time), https://docs.stripe.com/api/prices/list (at most 10
// lookup_keys), the customer portal's saved configuration (test mode too).
import { stripeError } from './wire.mjs'

export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000
export const MAX_LOOKUP_KEYS = 10

/**
 * Replays the saved answer of a repeated key, refuses a key reused with other parameters (400) or while
 * its first request is still running (409), and forgets keys after 24 hours: a later reuse runs anew.
 */
export function createIdempotencyStore(now) {
  const keys = new Map()
  return {
    async run(key, fingerprint, handler) {
      if (!key) return handler()
      const saved = keys.get(key)
      if (saved && now() - saved.at >= IDEMPOTENCY_KEY_TTL_MS) keys.delete(key)
      const entry = keys.get(key)
      if (entry) {
        if (entry.fingerprint !== fingerprint) {
          return stripeError(400, `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`, { type: 'idempotency_error' })
        }
        if (!entry.response) {
          return stripeError(409, 'There is currently another in-progress request using this Stripe-Idempotency-Key (that probably means you submitted twice, and the other request is still going through): ' + key + '. Please try again later.', { type: 'idempotency_error' })
        }
        return new Response(entry.response.body, { status: entry.response.status, headers: { ...entry.response.headers, 'idempotent-replayed': 'true' } })
      }
      const fresh = { fingerprint, at: now(), response: null }
      keys.set(key, fresh)
      const response = await handler()
      // Stripe saves the answer once the endpoint ran, errors included.
      fresh.response = { status: response.status, headers: Object.fromEntries(response.headers), body: await response.clone().text() }
      return response
    },
  }
}

export function tooManyLookupKeys(keys) {
  if (keys.length <= MAX_LOOKUP_KEYS) return null
  return stripeError(400, `Invalid array: lookup_keys must have at most ${MAX_LOOKUP_KEYS} elements (received ${keys.length}).`, { param: 'lookup_keys' })
}

export function noPortalConfiguration() {
  return stripeError(400, 'No configuration provided and your test mode default configuration has not been created. Provide a configuration or create your default by saving your customer portal settings in test mode at https://dashboard.stripe.com/test/settings/billing/portal.')
}
