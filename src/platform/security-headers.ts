import { secureHeaders } from 'hono/secure-headers'

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>
import { createMiddleware } from 'hono/factory'
import { preventCachingOfPrivateResponses } from './cache-control'
import { configOf, type AppEnv } from './types'

// Security checklist 15 (ASVS 3.4.x). No inline script or style anywhere: Alpine comes as its CSP
// build (no unsafe-eval, see docs/decisions/0003-frontend-csp.md) and htmx runs with allowEval=false.
const contentSecurityPolicy = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
}

type Directive = keyof typeof contentSecurityPolicy

/**
 * The same policy as a header value, with extra sources for one page (a route sets it itself and the
 * middleware keeps it). Billing needs it: its forms post to the app, which redirects to Stripe Checkout or
 * the customer portal, and browsers apply form-action to that redirect too.
 */
export function contentSecurityPolicyWith(extra: Partial<Record<Directive, string[]>>): string {
  return Object.entries(contentSecurityPolicy)
    .map(([name, sources]) => `${name.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)} ${[...sources, ...(extra[name as Directive] ?? [])].join(' ')}`)
    .join('; ')
}

const common = {
  contentSecurityPolicy,
  xFrameOptions: 'DENY' as string,
  xContentTypeOptions: true,
  // strict-origin everywhere: pages that carry tokens in their URL (verify, reset) never leak them.
  referrerPolicy: 'strict-origin' as string,
  crossOriginOpenerPolicy: 'same-origin',
  crossOriginResourcePolicy: 'same-origin',
  permissionsPolicy: { camera: false, microphone: false, geolocation: false, payment: false },
  // A route that needs a different policy sets its own header and keeps it (the only one: the dev
  // outbox's raw mail view, which must allow a mail's inline styles and be framed by /dev/mail).
  overwrite: false,
} satisfies SecureHeadersOptions

const production = secureHeaders({
  ...common,
  strictTransportSecurity: 'max-age=31536000; includeSubDomains',
})
// No HSTS on http://127.0.0.1: a browser would pin HTTPS for localhost and break other dev servers.
const development = secureHeaders({ ...common, strictTransportSecurity: false })

export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await (configOf(c).isProduction ? production(c, next) : development(c, next))
  preventCachingOfPrivateResponses(c)
})
