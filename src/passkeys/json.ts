import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppContext } from '../platform/types'
import { consumeBucket, throttleMessage } from '../auth'

// A WebAuthn response is a few kB (attestation 'none', no certificates); 16 KiB leaves room and no more.
export const PASSKEY_JSON_MAX_BYTES = 16 * 1024

/** The answer the page's script shows in its live region. */
export function jsonError(c: AppContext, status: ContentfulStatusCode, message: string): Response {
  return c.json({ error: message }, status)
}

/** The JSON object the script posted, or null for anything else (wrong type, not JSON, not an object). */
export async function readJsonObject(c: AppContext): Promise<Record<string, unknown> | null> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') return null
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(await c.req.arrayBuffer()))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

// Per person for changes (adding takes two requests; renaming and removing one each), per address when
// signing in (the login page asks for options on every view for the email field's autofill). Signatures cannot be guessed: the
// limits stop floods of challenge rows and verification work, not guessing.
export const CHANGE_LIMIT = { max: 20, windowSeconds: 10 * 60 }
export const SIGN_IN_LIMIT = { max: 60, windowSeconds: 10 * 60 }

/** 429 with Retry-After when the bucket is empty, else null. */
export async function throttled(c: AppContext, key: string, limit: { max: number; windowSeconds: number }, now: Date): Promise<Response | null> {
  const decision = await consumeBucket(c.env, key, limit, now)
  if (decision.allowed) return null
  c.header('Retry-After', String(decision.retryAfterSeconds))
  return jsonError(c, 429, throttleMessage(decision.retryAfterSeconds))
}

export const NO_RELYING_PARTY = 'Passkeys need this site’s own address (a name, not an IP address such as 127.0.0.1). Open it at its configured address and try again.'
export const CHALLENGE_UNKNOWN = 'This passkey response was already used or was never asked for. Start again.'
export const CHALLENGE_EXPIRED = 'The passkey request expired (after 5 minutes). Start again.'
export const NOT_A_RESPONSE = 'That is not a passkey response. Reload the page and try again.'
