import { createMiddleware } from 'hono/factory'
import { renderError } from '../platform/errors'
import { isHtmxRequest } from '../platform/htmx'
import type { AppContext, AppEnv } from '../platform/types'
import { logAuthEvent } from './log'
import { deleteSessionCookie, readSessionCookie, setSessionCookie, validateSessionToken, type SessionValidationResult } from './session'
import { isSameValidation, predictSession, rememberValidation } from './predicted-sessions'
import { mayRenderSpeculatively, renderAgain } from '../platform/speculation'
import type { SessionRow, User } from './schema'
import { VerifyRequiredPage } from './views/verify-required'
import { adminLacksRequiredTwoFactor, LACKS_REQUIRED_2FA_FIELD } from './two-factor-policy'
import { setFlash } from '../platform/flash'
import { redirectAfterPost } from '../platform/forms'

export const ADMIN_TWO_FACTOR_REQUIRED = 'Two-factor authentication is required for admins on this site. Turn it on below, then open the admin area again.'

declare module '../platform/types' {
  interface AppVariables {
    user: User | null
    session: SessionRow | null
  }
}

// After `database`: resolves the cookie to a session and fills `viewer` for the layout. The token is only
// ever read from the cookie, never from a URL or form field (checklist 8). One database round trip (session,
// user and viewer fields in one query); the sliding-expiry write runs after the response (issue 8).
// Viewer fields come from every feature through the registry (`Feature.viewerFields`).
// On a `readsOnly` page of a session this isolate has seen, the page is rendered for that session's last
// known identity while the lookup runs, in the same round trip, and kept only if the lookup agrees (ADR 0106).
export const loadSession = createMiddleware<AppEnv>(async (c, next) => {
  c.set('user', null)
  c.set('session', null)
  const token = readSessionCookie(c)
  if (token === undefined) return next()
  // The second dispatch of a thrown-away speculative render: its session was looked up already.
  const checked = checkedBefore.get(c.req.raw)
  if (checked !== undefined) {
    checkedBefore.delete(c.req.raw)
    // A lookup that failed fails here too, as on a cold isolate: the error page knows nobody.
    if ('error' in checked) throw checked.error
    applySession(c, token, checked.result, checked.now)
    return next()
  }
  const now = new Date()
  const defer = (work: Promise<unknown>) => c.executionCtx.waitUntil(work.catch((err: unknown) => {
    c.get('log').error('session: deferred write failed', { error: err })
  }))
  const validating = validateSessionToken(c.get('db'), token, now, { viewerFields: c.get('registry')?.viewerFields, defer })
    .then((result) => {
      rememberValidation(token, result)
      return result
    })
  const predicted = mayRenderSpeculatively(c) ? predictSession(token) : null
  // The render's writes wait for this (platform/speculation.ts), not for the render itself, which may be
  // waiting for one of them. A failed lookup confirms nothing. No speculation where writes cannot be held.
  const confirmed = predicted && validating.then((result) => isSameValidation(result, predicted), () => false)
  if (!confirmed || !c.get('speculate')(confirmed)) {
    applySession(c, token, await validating, now)
    return next()
  }
  applySession(c, token, predicted, now)
  await next()
  let result: SessionValidationResult
  try {
    result = await validating
  } catch (error) {
    // Not answered here: this context holds the assumed identity, and its error page would show it.
    checkedBefore.set(c.req.raw, { error, now })
    return renderAgain(c)
  }
  if (await confirmed) return
  // The session changed, slid, or ended since: this render is for an identity that no longer holds.
  checkedBefore.set(c.req.raw, { result, now })
  renderAgain(c)
})

// Lookups done by a speculative render that was thrown away, for the request's second dispatch.
const checkedBefore = new WeakMap<Request, { result: SessionValidationResult; now: Date } | { error: unknown; now: Date }>()

function applySession(c: AppContext, token: string, { session, user, extras }: SessionValidationResult, now: Date): void {
  if (session === null) {
    deleteSessionCookie(c)
    return
  }
  c.set('user', user)
  c.set('session', session)
  c.set('viewer', { id: user.id, name: user.name, email: user.email, role: user.role, emailVerified: user.emailVerifiedAt !== null, ...(session.impersonatorId ? { impersonatorId: session.impersonatorId } : {}), ...(extras ? { extras } : {}) })
  // The idle window slid forward: give the cookie the same new lifetime.
  if (session.lastSeenAt.getTime() === now.getTime()) setSessionCookie(c, token, session.expiresAt, now)
}

function currentPath(c: AppContext): string {
  // For htmx requests, come back to the page the user was on rather than the fragment endpoint.
  const current = c.req.header('hx-current-url')
  if (current) {
    try {
      const url = new URL(current)
      if (url.origin === new URL(c.req.url).origin) return `${url.pathname}${url.search}`
    } catch { /* fall through */ }
  }
  const url = new URL(c.req.url)
  return c.req.method === 'GET' ? `${url.pathname}${url.search}` : url.pathname
}

// A page behind sign-in renders in the app shell (sidebar, account menu), including its 403s; the layout
// only uses it when someone is signed in.
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  if (c.get('user')) {
    c.set('shell', 'app')
    return next()
  }
  logAuthEvent(c, 'access.denied', { reason: 'not signed in', path: c.req.path })
  const location = `/login?next=${encodeURIComponent(currentPath(c))}`
  if (c.req.header('hx-request') === 'true') {
    c.header('HX-Redirect', location)
    return c.body(null, 401)
  }
  return c.redirect(location, 303)
})

// Paid and file features: an unverified address gets a page that says what to do, not a bare 403.
export const requireVerified = createMiddleware<AppEnv>(async (c, next) => {
  const user = c.get('user')
  if (user === null) return requireUser(c, next)
  c.set('shell', 'app')
  if (user.emailVerifiedAt !== null) return next()
  logAuthEvent(c, 'access.denied', { userId: user.id, reason: 'email not verified', path: c.req.path })
  c.status(403)
  if (isHtmxRequest(c)) return renderError(c, { status: 403, title: 'Verify your email first', message: 'Confirm your email address to use this feature: see /verify-email.' })
  return c.render(<VerifyRequiredPage email={user.email} />, { title: 'Verify your email' })
})

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const user = c.get('user')
  if (user === null) return requireUser(c, next)
  c.set('shell', 'app')
  if (user.role === 'admin') {
    // "Require two-factor for admins" (issue 22): an admin without it turns it on before any admin page.
    const extras = c.get('viewer')?.extras
    const lacks = extras && LACKS_REQUIRED_2FA_FIELD in extras ? extras[LACKS_REQUIRED_2FA_FIELD] === true : await adminLacksRequiredTwoFactor(c.get('db'), user.id)
    if (!lacks) return next()
    logAuthEvent(c, 'access.denied', { userId: user.id, reason: 'admin without two-factor', path: c.req.path })
    setFlash(c, 'warning', ADMIN_TWO_FACTOR_REQUIRED)
    return redirectAfterPost(c, '/settings#two-factor')
  }
  logAuthEvent(c, 'access.denied', { userId: user.id, reason: 'not an admin', path: c.req.path })
  return renderError(c, { status: 403, title: 'Forbidden', message: 'You do not have permission to view this page.' })
})

// Password, email address, API keys and account deletion belong to the person, not to support acting as
// them (issue 13; issue 19 finding 3, checklist 35): the impersonation session cannot change them, get a
// normal session out of a step-up, nor mint a key that outlives the impersonation.
export const refuseWhileImpersonating = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get('session')?.impersonatorId) return next()
  logAuthEvent(c, 'access.denied', { userId: c.get('session')!.userId, reason: 'impersonating', path: c.req.path })
  return renderError(c, { status: 403, title: 'Not while logged in as someone else', message: 'The password, email address, API keys and deletion of an account are only for its owner. Return to your admin account first.' })
})
