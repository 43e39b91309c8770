import { createMiddleware } from 'hono/factory'
import { z } from 'zod'
import type { Registry } from '../platform/feature'
import type { AppContext, AppEnv } from '../platform/types'
import { renderError } from '../platform/errors'
import { contentSecurityPolicyWith } from '../platform/security-headers'
import { setFlash } from '../platform/flash'
import { isHtmxRequest } from '../platform/htmx'
import { consumeBucket, throttleMessage } from '../auth'
import { createStripeClient, isLocalStandin, isStripeError, isStripeUnavailable, isTestMode, readStripeConfig, type StripeConfig } from './stripe'
import { BillingInputError, type ManageDeps } from './manage'

// What billing's route files share (routes.tsx, change-routes.tsx): the deps a Stripe action needs, the
// guards in front of it, and the one way its failures become messages.

/** The registry createApp puts on the context (null only for an app built without it). */
export function registryOf(c: AppContext): Registry | null {
  return c.get('registry') ?? null
}

export function testModeLabel(config: StripeConfig | null): string | null {
  if (!config || !isTestMode(config)) return null
  return isLocalStandin(config) ? 'Test mode · local Stripe stand-in' : 'Test mode'
}

export async function manageDeps(c: AppContext, config: StripeConfig): Promise<ManageDeps> {
  return {
    db: c.get('db'), env: c.env, registry: registryOf(c), now: new Date(), stripe: await createStripeClient(config),
    actorId: c.get('viewer')?.id ?? null, ip: c.req.header('cf-connecting-ip') ?? null,
  }
}

// Billing forms carry two short fields; a Stripe event is at most a few hundred KB.
export const BILLING_FORM_BYTES = 8 * 1024
export const WEBHOOK_MAX_BYTES = 512 * 1024

// Every state-changing billing action calls Stripe: 20 per user per 10 minutes is plenty for a person and
// caps what a stolen session or a script can cost in API calls (checklist: throttling).
export const billingThrottle = createMiddleware<AppEnv>(async (c, next) => {
  const decision = await consumeBucket(c.env, `billing:${c.get('user')!.id}`, { max: 20, windowSeconds: 600 }, new Date())
  if (decision.allowed) return next()
  c.header('Retry-After', String(decision.retryAfterSeconds))
  return renderError(c, { status: 429, title: 'Too many requests', message: throttleMessage(decision.retryAfterSeconds) })
})

// Pages whose forms end in a redirect to Stripe Checkout or the portal (browsers apply form-action to it).
export const allowStripeRedirects = createMiddleware<AppEnv>(async (c, next) => {
  const sources = ['https://checkout.stripe.com', 'https://billing.stripe.com']
  const base = readStripeConfig(c.env)?.apiBase
  if (base) sources.push(new URL(base).origin)
  c.header('Content-Security-Policy', contentSecurityPolicyWith({ formAction: sources }))
  await next()
})

export const requireStripe = createMiddleware<AppEnv>(async (c, next) => {
  if (readStripeConfig(c.env)) return next()
  return renderError(c, { status: 503, title: 'Billing unavailable', message: 'Billing is not configured on this server yet. Nothing was charged.' })
})

export const checkoutForm = z.object({ plan: z.string().trim().min(1).max(40), interval: z.enum(['month', 'year']).default('month') })

/**
 * What can go wrong with Stripe, as a message: the user's own mistake (4xx with its text), Stripe unreachable
 * (503), Stripe refusing (502). `subject` says what was attempted; nothing is half done, since our rows change
 * only after Stripe has answered. Anything else is a bug and goes to the error page.
 */
export function stripeFailure(c: AppContext, err: unknown, subject: { unavailable: string; refused: string }) {
  if (err instanceof BillingInputError) return renderError(c, { status: err.status, title: 'Not possible', message: err.message })
  c.get('log').error('billing: stripe call failed', { error: err, type: (err as { type?: string }).type })
  if (isStripeUnavailable(err)) return renderError(c, { status: 503, title: 'Payments unavailable', message: subject.unavailable })
  if (isStripeError(err)) return renderError(c, { status: 502, title: 'Payment provider error', message: subject.refused })
  throw err
}

const ACTION_FAILED = {
  unavailable: 'We could not reach our payment provider. Nothing was charged and nothing changed; please try again in a minute.',
  refused: 'Our payment provider refused the request. Nothing was charged; please try again or contact us.',
}

/** Runs a state-changing Stripe action; a redirect goes to Stripe or back to /billing (HX-Redirect for htmx). */
export async function runBillingAction(c: AppContext, action: (deps: ManageDeps) => Promise<{ redirect: string; flash?: string }>) {
  const deps = await manageDeps(c, readStripeConfig(c.env)!)
  try {
    const { redirect, flash } = await action(deps)
    if (flash) setFlash(c, 'success', flash)
    if (isHtmxRequest(c)) {
      c.header('HX-Redirect', redirect)
      return c.body(null, 204)
    }
    return c.redirect(redirect, 303)
  } catch (err) {
    return stripeFailure(c, err, ACTION_FAILED)
  }
}
