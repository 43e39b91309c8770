import { ArcticFetchError, CodeChallengeMethod, decodeIdToken, generateCodeVerifier, generateState, OAuth2RequestError, UnexpectedErrorResponseBodyError, UnexpectedResponseError } from 'arctic'
import { constantTimeEqual } from '@oslojs/crypto/subtle'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { trustedOrigins } from '../platform/env'
import { configOf, type AppContext } from '../platform/types'
import { PROVIDERS, providerEndpoints, oauthClient, type ProviderId } from './providers'

// One round trip to a provider (docs/auth.md, "Sign-in with GitHub and Google"): state against CSRF on the
// callback, PKCE (S256) against an injected or stolen code, and for Google's ID token a nonce against its
// replay. The three secrets wait in one short-lived HttpOnly, SameSite=Lax cookie (Lax:
// the provider's redirect back is a top-level GET, which Lax lets through; a cross-site POST never carries it).
const FLOW_MAX_AGE_SECONDS = 600
// __Host- in production (https): no sibling subdomain can plant a flow with a state it knows (which needs
// path=/); plain in development, where the browser is on http://.
const flowCookieName = (c: AppContext) => (configOf(c).isProduction ? '__Host-qs_oauth_flow' : 'qs_oauth_flow')

export interface Flow {
  provider: ProviderId
  state: string
  verifier: string
  nonce: string
  next: string
  /**
   * Set when a signed-in user asked to link from settings: the callback links only into that session. The
   * session id, not the user id, so that a planted flow cookie cannot name someone else's account.
   */
  linkSessionId: string | null
}

/** What the provider vouches for. `emailVerified` is the provider's own word (GitHub's /user/emails, Google's claim). */
export interface ProviderProfile {
  provider: ProviderId
  providerUserId: string
  email: string
  emailVerified: boolean
  name: string
  /** For people: "GitHub (octocat)". */
  display: string
}

/** A callback that cannot go on, with the status and message the visitor sees (never a 500). */
export class OAuthFlowError extends Error {
  constructor(readonly status: 400 | 403 | 502, message: string, readonly reason: string) {
    super(message)
    this.name = 'OAuthFlowError'
  }
}

const flowCookieOptions = (c: AppContext) => ({ httpOnly: true, secure: configOf(c).isProduction, sameSite: 'Lax' as const, path: '/' })

/** APP_URL, or in development the loopback twin the browser is on (see callbackUrl). */
function callbackOrigin(c: AppContext): string {
  const config = configOf(c)
  const origin = new URL(c.req.url).origin
  return config.isDevelopment && trustedOrigins(c.env).has(origin) ? origin : config.APP_URL
}

/** Starts a round trip: the flow cookie, then the provider's authorization URL to redirect to. */
export function beginFlow(c: AppContext, provider: ProviderId, next: string, linkSessionId: string | null): string | null {
  const oauth = oauthClient(configOf(c), provider, callbackOrigin(c))
  if (oauth === null) return null
  const flow: Flow = { provider, state: generateState(), verifier: generateCodeVerifier(), nonce: generateState(), next, linkSessionId }
  setCookie(c, flowCookieName(c), btoa(JSON.stringify(flow)), { ...flowCookieOptions(c), maxAge: FLOW_MAX_AGE_SECONDS })
  const endpoints = providerEndpoints(configOf(c), provider)
  // PKCE for both: Google supports it, and GitHub has since July 2025 (S256 only).
  const url = oauth.client.createAuthorizationURLWithPKCE(endpoints.authorize, flow.state, CodeChallengeMethod.S256, flow.verifier, PROVIDERS[provider].scopes)
  if (provider === 'google') url.searchParams.set('nonce', flow.nonce)
  if (provider === 'github') url.searchParams.set('allow_signup', 'true')
  return url.toString()
}

/** Reads and at once deletes the flow cookie: a callback is answered once, whatever its outcome. */
export function takeFlow(c: AppContext, provider: ProviderId): Flow | null {
  const raw = getCookie(c, flowCookieName(c))
  deleteCookie(c, flowCookieName(c), flowCookieOptions(c))
  if (!raw) return null
  try {
    const flow = JSON.parse(atob(raw)) as Flow
    return flow.provider === provider && typeof flow.state === 'string' && typeof flow.verifier === 'string' ? flow : null
  } catch {
    return null
  }
}

const sameSecret = (a: string, b: string) => {
  const x = new TextEncoder().encode(a)
  const y = new TextEncoder().encode(b)
  return x.length === y.length && constantTimeEqual(x, y)
}

/** The callback's checks and exchanges, in order; throws OAuthFlowError with what to tell the visitor. */
export async function finishFlow(c: AppContext, provider: ProviderId, flow: Flow | null, query: Record<string, string>): Promise<ProviderProfile> {
  const label = PROVIDERS[provider].label
  if (query.error === 'access_denied') throw new OAuthFlowError(403, `You cancelled signing in with ${label}. Nothing was changed.`, 'access_denied')
  if (query.error) throw new OAuthFlowError(502, `${label} could not complete the sign-in (${query.error.slice(0, 60)}). Try again in a moment.`, `provider error ${query.error.slice(0, 60)}`)
  if (flow === null) throw new OAuthFlowError(400, `This sign-in was started too long ago or in another browser. Start again with “Continue with ${label}”.`, 'no flow cookie')
  if (!query.state || !sameSecret(query.state, flow.state)) throw new OAuthFlowError(400, `This sign-in could not be matched to the one you started. Start again with “Continue with ${label}”.`, 'state mismatch')
  if (!query.code || query.code.length > 512) throw new OAuthFlowError(400, `${label} sent no sign-in code. Start again.`, 'no code')

  const oauth = oauthClient(configOf(c), provider, callbackOrigin(c))!
  const endpoints = providerEndpoints(configOf(c), provider)
  let tokens
  try {
    tokens = await oauth.client.validateAuthorizationCode(endpoints.token, query.code, flow.verifier)
  } catch (err) {
    throw exchangeError(label, err)
  }
  // GitHub answers a refused code with 200 and an error body, which OAuth2Client reads as tokens.
  if ('error' in tokens.data) throw new OAuthFlowError(400, codeRefused(label), `token error ${String((tokens.data as { error: unknown }).error).slice(0, 60)}`)
  return provider === 'github' ? await githubProfile(endpoints.api, tokens.accessToken()) : googleProfile(tokens.idToken(), endpoints.issuer, oauth.clientId, flow.nonce, new Date())
}

const codeRefused = (label: string) => `${label} did not accept the sign-in code (it expired or was already used). Start again.`

function exchangeError(label: string, err: unknown): OAuthFlowError {
  if (err instanceof OAuth2RequestError) return new OAuthFlowError(400, codeRefused(label), `token error ${err.code}`)
  if (err instanceof ArcticFetchError || err instanceof UnexpectedResponseError || err instanceof UnexpectedErrorResponseBodyError) {
    return new OAuthFlowError(502, `${label} did not answer as expected. Try again in a moment.`, `token endpoint: ${(err as Error).message.slice(0, 80)}`)
  }
  return new OAuthFlowError(502, `${label} did not answer as expected. Try again in a moment.`, 'token endpoint: unreadable answer')
}

async function githubApi<T>(api: string, path: string, accessToken: string): Promise<T> {
  let response: Response
  try {
    response = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/vnd.github+json', 'user-agent': 'quickscale-edge', 'x-github-api-version': '2022-11-28' } })
  } catch {
    throw new OAuthFlowError(502, 'GitHub did not answer. Try again in a moment.', `github ${path}: unreachable`)
  }
  if (!response.ok) {
    await response.body?.cancel()
    throw new OAuthFlowError(502, 'GitHub did not answer as expected. Try again in a moment.', `github ${path}: ${response.status}`)
  }
  return (await response.json()) as T
}

async function githubProfile(api: string, accessToken: string): Promise<ProviderProfile> {
  const [user, emails] = await Promise.all([
    githubApi<{ id: number; login: string; name: string | null }>(api, '/user', accessToken),
    githubApi<Array<{ email: string; primary: boolean; verified: boolean }>>(api, '/user/emails', accessToken),
  ])
  // Only the primary address counts, and only GitHub's word that it is verified (never /user's public email).
  const primary = Array.isArray(emails) ? emails.find((e) => e.primary) : undefined
  return {
    provider: 'github',
    providerUserId: String(user.id),
    email: primary?.email.toLowerCase() ?? '',
    emailVerified: primary?.verified === true,
    name: (user.name ?? user.login ?? '').slice(0, 100) || 'GitHub user',
    display: `GitHub (${user.login})`,
  }
}

/**
 * Google's ID token came straight from its token endpoint over TLS with our client secret, which OIDC
 * Core 3.1.3.7 accepts in place of checking the signature; the claims are still checked: issuer, audience,
 * expiry and the nonce this browser's flow chose (an ID token replayed from another sign-in fails here).
 */
function googleProfile(idToken: string, issuer: string, clientId: string, nonce: string, now: Date): ProviderProfile {
  let claims: Record<string, unknown>
  try {
    claims = decodeIdToken(idToken) as Record<string, unknown>
  } catch {
    throw new OAuthFlowError(502, 'Google sent an ID token we could not read. Try again.', 'id token unreadable')
  }
  const issuers = issuer === 'https://accounts.google.com' ? [issuer, 'accounts.google.com'] : [issuer]
  const audienceOk = claims.aud === clientId || (Array.isArray(claims.aud) && claims.aud.includes(clientId))
  if (!issuers.includes(String(claims.iss)) || !audienceOk) throw new OAuthFlowError(400, 'Google’s answer was not meant for this site. Start again.', 'id token issuer or audience')
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now.getTime()) throw new OAuthFlowError(400, 'Google’s answer has expired. Start again.', 'id token expired')
  if (typeof claims.nonce !== 'string' || !sameSecret(claims.nonce, nonce)) throw new OAuthFlowError(400, 'Google’s answer does not belong to the sign-in you started. Start again.', 'nonce mismatch')
  const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : ''
  return {
    provider: 'google',
    providerUserId: String(claims.sub),
    email,
    // Google's claim may be a boolean or the string "true".
    emailVerified: claims.email_verified === true || claims.email_verified === 'true',
    name: (typeof claims.name === 'string' ? claims.name : email.split('@')[0] ?? '').slice(0, 100) || 'Google user',
    display: `Google (${email || String(claims.sub)})`,
  }
}
