import type { SessionValidationResult } from './session'
import { hasTokenShape, LINK_TOKEN_BYTES, secretMatchesHash, SESSION_ID_BYTES } from './tokens'

type ValidSession = Extract<SessionValidationResult, { session: object }>

/**
 * What each session was at its last check on this isolate (ADR 0106): the identity a read-only page is
 * rendered for while the session lookup runs in the same round trip. Only ever a prediction: the page
 * is kept only when the lookup it travelled with returns exactly this (`isSameValidation`), so a revoked,
 * expired, changed or forged session is refused as on any other request (checklist 10, 12). The map is
 * bounded; an entry is used only for a cookie whose secret matches the stored hash (checklist 5, 7), so
 * knowing a session id is not enough to have a page rendered for it, even one that is then thrown away.
 */
const MAX_REMEMBERED = 500
const remembered = new Map<string, ValidSession>()

/** The result of this session's last check on this isolate, if the cookie's secret matches it. */
export function predictSession(token: string): ValidSession | null {
  const [id, secret, extra] = token.split('.')
  if (extra !== undefined || !hasTokenShape(id, SESSION_ID_BYTES) || !hasTokenShape(secret, LINK_TOKEN_BYTES)) return null
  const known = remembered.get(id!)
  if (known === undefined || !secretMatchesHash(secret!, known.session.secretHash)) return null
  return known
}

/**
 * Keeps a valid check's result for this session's next read-only page; forgets a refused one, but only when
 * the refused cookie carried the remembered secret (a forged cookie naming the id cannot evict the session).
 */
export function rememberValidation(token: string, result: SessionValidationResult): void {
  const id = token.split('.')[0]!
  if (result.session === null) {
    if (predictSession(token) !== null) remembered.delete(id)
    return
  }
  remembered.delete(id)
  // Oldest out first: a Map iterates in insertion order, and a re-check re-inserts.
  if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!)
  remembered.set(id, result)
}

/**
 * True when a check returned exactly the prediction: the same session row (expiry and last use included,
 * so a check that slid the expiry renders again and sets the cookie), the same user row and the same
 * viewer fields. Anything less and the speculative page is thrown away.
 */
export function isSameValidation(result: SessionValidationResult, predicted: ValidSession): boolean {
  if (result.session === null) return false
  return fingerprintOf(result) === fingerprintOf(predicted)
}

// A check's rows as one string, made once per result: a confirmed result is remembered and becomes the next
// request's prediction, whose fingerprint is then already known.
const fingerprints = new WeakMap<ValidSession, string>()
function fingerprintOf(result: ValidSession): string {
  let fingerprint = fingerprints.get(result)
  if (fingerprint === undefined) {
    fingerprint = JSON.stringify([result.session, result.user, result.extras ?? null])
    fingerprints.set(result, fingerprint)
  }
  return fingerprint
}
