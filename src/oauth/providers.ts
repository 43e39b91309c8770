import { OAuth2Client } from 'arctic'
import type { Config } from '../platform/env'

// The providers a visitor may sign in with (issue 22, docs/auth.md). Each talks OAuth 2.0 through arctic's
// OAuth2Client rather than its GitHub/Google classes: those hard-code the endpoints, and the local stand-in
// (scripts/oauth-standin, docs/oauth-standin.md) must be reached through the very same code path
// (ADR 0099). With OAUTH_STANDIN_URL set every endpoint is the stand-in's, under /github or /google, at the
// same paths the real service uses — outside production only: there it is ignored, since a stand-in would
// sign anyone in (`quickscale check` also flags it).
export const PROVIDER_IDS = ['github', 'google'] as const
export type ProviderId = (typeof PROVIDER_IDS)[number]

export interface ProviderEndpoints {
  authorize: string
  token: string
  /** GitHub's REST API root (/user, /user/emails); unused for Google. */
  api: string
  /** The `iss` Google's ID tokens carry; unused for GitHub. */
  issuer: string
}

// Each provider's own mark (the sprite's brand symbols, src/platform/icons.tsx BRAND_ICONS): people look for it.
export const PROVIDERS: Record<ProviderId, { label: string; icon: 'brand-github' | 'brand-google'; scopes: string[] }> = {
  // read:user for /user, user:email for /user/emails (the primary address and whether it is verified).
  github: { label: 'GitHub', icon: 'brand-github', scopes: ['read:user', 'user:email'] },
  // OIDC: the ID token carries sub, email, email_verified and name; no further call is needed.
  google: { label: 'Google', icon: 'brand-google', scopes: ['openid', 'email', 'profile'] },
}

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && (PROVIDER_IDS as readonly string[]).includes(value)
}

type OAuthConfig = Pick<Config, 'GITHUB_CLIENT_ID' | 'GITHUB_CLIENT_SECRET' | 'GOOGLE_CLIENT_ID' | 'GOOGLE_CLIENT_SECRET' | 'OAUTH_STANDIN_URL' | 'APP_URL'>
type EndpointConfig = Pick<Config, 'OAUTH_STANDIN_URL' | 'isProduction'>

export function providerEndpoints(config: EndpointConfig, provider: ProviderId): ProviderEndpoints {
  const standin = config.OAUTH_STANDIN_URL && !config.isProduction ? config.OAUTH_STANDIN_URL.replace(/\/$/, '') : ''
  if (provider === 'github') {
    const web = standin ? `${standin}/github` : 'https://github.com'
    return { authorize: `${web}/login/oauth/authorize`, token: `${web}/login/oauth/access_token`, api: standin ? `${standin}/github/api` : 'https://api.github.com', issuer: '' }
  }
  return standin
    ? { authorize: `${standin}/google/o/oauth2/v2/auth`, token: `${standin}/google/token`, api: '', issuer: `${standin}/google` }
    : { authorize: 'https://accounts.google.com/o/oauth2/v2/auth', token: 'https://oauth2.googleapis.com/token', api: '', issuer: 'https://accounts.google.com' }
}

function credentials(config: OAuthConfig, provider: ProviderId): { id: string; secret: string } | null {
  const id = (provider === 'github' ? config.GITHUB_CLIENT_ID : config.GOOGLE_CLIENT_ID)?.trim() ?? ''
  const secret = (provider === 'github' ? config.GITHUB_CLIENT_SECRET : config.GOOGLE_CLIENT_SECRET)?.trim() ?? ''
  return id !== '' && secret !== '' ? { id, secret } : null
}

/** The providers with keys: only these get a button, a route that answers, a settings row. */
export function configuredProviders(config: OAuthConfig): ProviderId[] {
  return PROVIDER_IDS.filter((provider) => credentials(config, provider) !== null)
}

/**
 * Where the provider sends the browser back; registered with the provider as the callback URL. `origin`
 * is APP_URL's, except in development where the app also answers under its other loopback name
 * (localhost / 127.0.0.1, src/platform/env.ts): the round trip must come back to the origin whose cookie
 * holds the flow.
 */
export function callbackUrl(config: OAuthConfig, provider: ProviderId, origin: string = config.APP_URL): string {
  return new URL(`/oauth/${provider}/callback`, origin).toString()
}

export function oauthClient(config: OAuthConfig, provider: ProviderId, origin?: string): { client: OAuth2Client; clientId: string } | null {
  const keys = credentials(config, provider)
  if (keys === null) return null
  return { client: new OAuth2Client(keys.id, keys.secret, callbackUrl(config, provider, origin)), clientId: keys.id }
}
