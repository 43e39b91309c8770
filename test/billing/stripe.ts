import { afterAll, afterEach, beforeAll, vi } from 'vitest'
import { env, exports } from 'cloudflare:workers'
import Stripe from 'stripe'
// @ts-expect-error plain .mjs module shared with `npm run dev`
import { createStripeStandin } from '../../scripts/stripe-standin/standin.mjs'
import { withDb } from '../helpers/db'
import { syncPlansToStripe } from '../../src/billing'
import { createStripeClient, readStripeConfig } from '../../src/billing/stripe'

export const STRIPE_API = 'https://api.stripe.com'
export const WEBHOOK_SECRET = 'whsec_test_workers'

export interface StandinHandle {
  events: Stripe.Event[]
  state: Record<string, Map<string, any>>
  handle: (request: Request) => Promise<Response>
  completeCheckout: (sessionId: string) => Promise<unknown>
  renew: (subscriptionId: string, outcome: 'fail' | 'pay') => Promise<void>
}

/**
 * Answers the app's calls to api.stripe.com with the local stand-in (third-party HTTP faked at the fetch
 * boundary; our code, database and bindings are real). `fault` lets a test make Stripe fail for a path.
 */
export function fakeStripe() {
  const standin: StandinHandle = createStripeStandin({ baseUrl: STRIPE_API, webhookSecret: WEBHOOK_SECRET })
  const calls: Array<{ method: string; path: string }> = []
  const faults: Array<{ match: RegExp; respond: () => Promise<Response> }> = []
  const original = globalThis.fetch
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const request = new Request(input as RequestInfo, init)
    if (!request.url.startsWith(`${STRIPE_API}/`)) return original(input as RequestInfo, init)
    const { pathname } = new URL(request.url)
    calls.push({ method: request.method, path: pathname })
    const fault = faults.find((f) => f.match.test(`${request.method} ${pathname}`))
    if (fault) return fault.respond()
    return standin.handle(request)
  })
  return {
    standin,
    calls,
    spy,
    /** Next matching calls answer like a broken Stripe (500) or a network timeout. */
    fail(match: RegExp, kind: '500' | 'timeout') {
      faults.push({
        match,
        respond: async () => {
          if (kind === 'timeout') throw new DOMException('The operation timed out.', 'TimeoutError')
          return new Response(JSON.stringify({ error: { type: 'api_error', message: 'An unknown error occurred' } }), { status: 500, headers: { 'content-type': 'application/json' } })
        },
      })
    },
    clearFaults() { faults.length = 0 },
    restore() { spy.mockRestore() },
    /** Events the stand-in emitted since `from` (an index into standin.events). */
    eventsSince(from: number): Stripe.Event[] { return standin.events.slice(from) },
  }
}

export type FakeStripe = ReturnType<typeof fakeStripe>

/**
 * The file's Stripe: the stand-in answers https://api.stripe.com from before the first test (plans synced
 * to it) to after the last, with injected faults cleared after each test. The returned object is filled
 * in beforeAll, so use it inside tests and hooks only.
 */
export function useFakeStripe(): FakeStripe {
  const fake = {} as FakeStripe
  beforeAll(async () => {
    Object.assign(fake, fakeStripe())
    await syncPlans()
  })
  afterEach(() => fake.clearFaults())
  afterAll(() => fake.restore())
  return fake
}

/** The app's own client (as the Worker builds it), for set-up steps such as syncing the plans. */
export function appStripeClient(): Promise<Stripe> {
  return createStripeClient(readStripeConfig(env)!)
}

export function syncPlans() {
  return withDb(async (db) => syncPlansToStripe(db, await appStripeClient()))
}

/** Signs a payload the way Stripe does, with the real SDK's test helper. */
export async function signedHeader(payload: string, opts: { secret?: string; timestamp?: number } = {}) {
  const stripe = new Stripe('sk_test_sign', { httpClient: Stripe.createFetchHttpClient() })
  return stripe.webhooks.generateTestHeaderStringAsync({
    payload, secret: opts.secret ?? WEBHOOK_SECRET, timestamp: opts.timestamp, cryptoProvider: Stripe.createSubtleCryptoProvider(),
  })
}

/** POSTs an event to /billing/webhook like Stripe: no cookie, no Origin, a Stripe-Signature header. */
export async function postWebhook(payload: string, signature: string | null): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' }
  if (signature !== null) headers['stripe-signature'] = signature
  return exports.default.fetch(new Request('http://localhost/billing/webhook', { method: 'POST', headers, body: payload }))
}

export async function deliver(event: Stripe.Event): Promise<{ status: number; outcome: string }> {
  const payload = JSON.stringify(event)
  const res = await postWebhook(payload, await signedHeader(payload))
  const body = (await res.json()) as { outcome?: string }
  return { status: res.status, outcome: body.outcome ?? '' }
}
