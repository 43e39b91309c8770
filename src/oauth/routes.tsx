import { Hono } from 'hono'
import { consumeBucket, getUserById, recordAuthAudit, refuseWhileImpersonating, removeSignInMethod, requireUser, safeNextPath, sendSecurityNotice, throttleMessage } from '../auth'
import { renderError } from '../platform/errors'
import { setFlash } from '../platform/flash'
import { clientIp, formBodyLimit, readForm } from '../platform/forms'
import { configOf, type AppContext, type AppEnv } from '../platform/types'
import { consumeLinkRequest, hasLinkTokenShape, linkAccount, peekLinkRequest, unlinkAccount } from './accounts'
import { beginFlow, finishFlow, OAuthFlowError, takeFlow } from './flow'
import { configuredProviders, isProviderId, PROVIDERS, type ProviderId } from './providers'
import { linkToSignedInUser, refusePage, signInWithProvider } from './sign-in'
import { LinkConfirmPage } from './views'

// Starting a round trip costs a provider redirect and a cookie, finishing one a token exchange: both are
// limited per address, linking and unlinking per user (checklist 23).
export const OAUTH_START_LIMIT = { max: 20, windowSeconds: 600 }
export const OAUTH_CALLBACK_LIMIT = { max: 30, windowSeconds: 600 }
export const OAUTH_SETTINGS_LIMIT = { max: 10, windowSeconds: 3600 }

const NOT_OFFERED = { status: 404 as const, title: 'Not available', message: 'Signing in with this provider is not set up on this site.' }

/** The provider named in the path, when it has keys here; null answers 404 like an unknown page. */
function offeredProvider(c: AppContext): ProviderId | null {
  const name = c.req.param('provider')
  return isProviderId(name) && configuredProviders(configOf(c)).includes(name) ? name : null
}

async function throttled(c: AppContext, key: string, limit: { max: number; windowSeconds: number }): Promise<Response | null> {
  const decision = await consumeBucket(c.env, key, limit, new Date())
  if (decision.allowed) return null
  c.header('Retry-After', String(decision.retryAfterSeconds))
  return renderError(c, { status: 429, title: 'Too many attempts', message: throttleMessage(decision.retryAfterSeconds) })
}

export const oauthRoutes = new Hono<AppEnv>()
  // The mailed confirmation: a page with a button (a GET never changes anything, and mail scanners follow links).
  .get('/oauth/link', async (c) => {
    const token = c.req.query('token')
    const request = hasLinkTokenShape(token) ? await peekLinkRequest(c.get('db'), token, new Date()) : null
    if (!request || !isProviderId(request.provider)) return refusePage(c, 400, 'Link expired', 'This link has expired or was already used. Sign in again with the provider to get a new one.')
    return c.render(<LinkConfirmPage token={token!} provider={request.provider} email={request.email} />, { title: 'Link your account', noindex: true })
  })
  .post('/oauth/link', formBodyLimit(), async (c) => {
    const form = await readForm(c)
    const limited = await throttled(c, `oauth-link:${clientIp(c)}`, OAUTH_CALLBACK_LIMIT)
    if (limited) return limited
    const now = new Date()
    const db = c.get('db')
    const request = hasLinkTokenShape(form.token) ? await consumeLinkRequest(db, form.token, now) : null
    if (!request || !isProviderId(request.provider)) return refusePage(c, 400, 'Link expired', 'This link has expired or was already used. Sign in again with the provider to get a new one.')
    const owner = await getUserById(db, request.userId)
    // The address the provider vouched for must still be the account's: an email change since voids it.
    if (!owner || owner.email !== request.email) return refusePage(c, 400, 'Link expired', 'This link no longer matches the account. Sign in again with the provider to get a new one.')
    const label = PROVIDERS[request.provider].label
    const profile = { provider: request.provider, providerUserId: request.providerUserId, email: request.email, emailVerified: true, name: owner.name, display: `${label} (${request.email})` }
    if (!(await linkAccount(db, owner.id, profile, now))) {
      return refusePage(c, 409, 'Not linked', `This ${label} account is linked to another account, or yours already has a ${label} account linked.`)
    }
    await recordAuthAudit(c, 'oauth.linked', { actorId: owner.id, targetId: owner.id, detail: { provider: request.provider, via: 'email confirmation' } })
    await sendSecurityNotice(c, owner, 'provider_linked', profile.display)
    // Linked, not signed in (ADR 0099): a session starts only through a sign-in, which asks for the second factor.
    setFlash(c, 'success', `${label} is linked to your account. Continue with ${label} to sign in.`)
    return c.redirect('/login', 303)
  })
  .post('/oauth/:provider', formBodyLimit(), async (c) => {
    const form = await readForm(c)
    const provider = offeredProvider(c)
    if (!provider) return renderError(c, NOT_OFFERED)
    const next = safeNextPath(form.next)
    if (c.get('user')) return c.redirect(next, 303)
    const limited = await throttled(c, `oauth-start:${clientIp(c)}`, OAUTH_START_LIMIT)
    if (limited) return limited
    return c.redirect(beginFlow(c, provider, next, null)!, 303)
  })
  .get('/oauth/:provider/callback', async (c) => {
    const provider = offeredProvider(c)
    if (!provider) return renderError(c, NOT_OFFERED)
    const flow = takeFlow(c, provider)
    const limited = await throttled(c, `oauth-callback:${clientIp(c)}`, OAUTH_CALLBACK_LIMIT)
    if (limited) return limited
    const now = new Date()
    let profile
    try {
      profile = await finishFlow(c, provider, flow, c.req.query())
    } catch (err) {
      if (!(err instanceof OAuthFlowError)) throw err
      c.get('log').warn('oauth callback refused', { provider, reason: err.reason })
      await recordAuthAudit(c, 'auth.login_failed', { actorId: null, detail: { reason: err.reason, method: provider } })
      return refusePage(c, err.status, `Signing in with ${PROVIDERS[provider].label} did not complete`, err.message, Boolean(flow?.linkSessionId))
    }
    return flow!.linkSessionId ? linkToSignedInUser(c, profile, flow!, now) : signInWithProvider(c, profile, flow!, now)
  })
  // The body is capped before anything else, as on every form route (test/platform/malformed-forms.test.ts).
  .post('/settings/oauth/:provider/link', formBodyLimit(), requireUser, refuseWhileImpersonating, async (c) => {
    const provider = offeredProvider(c)
    if (!provider) return renderError(c, NOT_OFFERED)
    const user = c.get('user')!
    const limited = await throttled(c, `oauth-settings:${user.id}`, OAUTH_SETTINGS_LIMIT)
    if (limited) return limited
    return c.redirect(beginFlow(c, provider, '/settings', c.get('session')!.id)!, 303)
  })
  .post('/settings/oauth/:provider/unlink', formBodyLimit(), requireUser, refuseWhileImpersonating, async (c) => {
    const provider = offeredProvider(c)
    if (!provider) return renderError(c, NOT_OFFERED)
    const user = c.get('user')!
    const db = c.get('db')
    const limited = await throttled(c, `oauth-settings:${user.id}`, OAUTH_SETTINGS_LIMIT)
    if (limited) return limited
    // The one lock-out rule (issue 22): never remove the last way in, counted over every method in the
    // same transaction as the delete (two racing removals cannot both pass).
    const result = await removeSignInMethod(c.get('registry'), db, user.id, (tx) => unlinkAccount(tx, user.id, provider))
    if (result.outcome === 'not-found') return renderError(c, { status: 404, title: 'Not linked', message: `No ${PROVIDERS[provider].label} account is linked.` })
    if (result.outcome === 'last-way-in') {
      return renderError(c, { status: 409, title: 'Not unlinked', message: `${PROVIDERS[provider].label} is the only way to sign in to this account. Set a password (Settings → Password sends you a link) or add a passkey first.` })
    }
    const removed = result.removed
    await recordAuthAudit(c, 'oauth.unlinked', { targetId: user.id, detail: { provider } })
    await sendSecurityNotice(c, user, 'provider_unlinked', `${PROVIDERS[provider].label} (${removed.email || removed.providerUserId})`)
    setFlash(c, 'success', `${PROVIDERS[provider].label} is unlinked.`)
    return c.redirect('/settings', 303)
  })
