import { trustedOrigins } from '../platform/env'
import { configOf, type AppContext } from '../platform/types'

/** Who the passkeys belong to: the site (RP ID = a host name) and the exact origin the browser is on. */
export interface RelyingParty {
  id: string
  origin: string
  name: string
}

/**
 * The relying party of this request (ADR 0101): the request's origin when it is one of the app's configured
 * origins (APP_URL, TRUSTED_ORIGINS, and in development the loopback twin, platform/env.ts), with that
 * origin's host name as the RP ID. Never derived from an unconfigured Host header (a DNS-rebinding page
 * names its own host). Null where passkeys cannot work: an unconfigured origin, or an IP address, which the
 * WebAuthn spec does not accept as an RP ID (http://127.0.0.1:8787: use http://localhost:8787).
 */
export function relyingPartyFor(c: AppContext): RelyingParty | null {
  const origin = new URL(c.req.url).origin
  if (!trustedOrigins(c.env).has(origin)) return null
  const host = new URL(origin).hostname
  if (isIpAddress(host)) return null
  return { id: host, origin, name: configOf(c).APP_NAME }
}

// IPv4 dotted quads and bracketed IPv6 literals (URL.hostname keeps the brackets).
function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[')
}
