import { Hono } from 'hono'
import type { AuthenticationResponseJSON } from '@simplewebauthn/server'
import { completeSignIn, getUserById, recordAuthAudit, safeNextPath, signInRefusal } from '../auth'
import { clientIp, rawBodyLimit } from '../platform/forms'
import type { AppContext, AppEnv } from '../platform/types'
import { challengeOfResponse, consumeChallenge, saveChallenge } from './challenges'
import { authenticationOptions, counterRegressed, verifyAuthentication } from './ceremonies'
import { CHALLENGE_EXPIRED, CHALLENGE_UNKNOWN, jsonError, NO_RELYING_PARTY, NOT_A_RESPONSE, PASSKEY_JSON_MAX_BYTES, readJsonObject, SIGN_IN_LIMIT, throttled } from './json'
import { relyingPartyFor, type RelyingParty } from './relying-party'
import { getPasskey, recordPasskeyUse } from './store'

export const NOT_VERIFIED = 'The passkey could not be verified. Try again, or sign in another way.'
export const UNKNOWN_PASSKEY = 'This passkey is not registered here: it may have been removed from its account. Sign in another way.'
export const COUNTER_REFUSED = 'Sign-in refused: this passkey’s signature counter went backwards, which happens when a key has been copied. Sign in another way and check the passkeys in your settings.'

async function failed(c: AppContext, reason: string, userId: string | null, message: string, status: 400 | 403 = 400): Promise<Response> {
  await recordAuthAudit(c, 'auth.login_failed', { actorId: null, targetId: userId ?? undefined, detail: { reason, method: 'passkey' } })
  return jsonError(c, status, message)
}

/**
 * completeSignIn answers a form post with a redirect; the script posted JSON, so the same answer (its
 * session cookie included) becomes `{ redirect }`, which the script follows.
 */
function asJsonRedirect(response: Response): Response {
  const headers = new Headers(response.headers)
  const location = headers.get('location') ?? headers.get('hx-redirect') ?? '/dashboard'
  headers.delete('location')
  headers.set('content-type', 'application/json')
  return new Response(JSON.stringify({ redirect: location }), { status: 200, headers })
}

/** What both sign-in steps check first: the address's throttle and a relying party. */
async function startSignIn(c: AppContext, now: Date): Promise<RelyingParty | Response> {
  const limited = await throttled(c, `passkey-login:${clientIp(c)}`, SIGN_IN_LIMIT, now)
  if (limited) return limited
  return relyingPartyFor(c) ?? jsonError(c, 400, NO_RELYING_PARTY)
}

export const loginRoutes = new Hono<AppEnv>()
  .post('/passkeys/login/options', rawBodyLimit(PASSKEY_JSON_MAX_BYTES), async (c) => {
    const now = new Date()
    const rp = await startSignIn(c, now)
    if (rp instanceof Response) return rp
    const options = await authenticationOptions(rp)
    await saveChallenge(c.get('db'), options.challenge, 'authenticate', null, now)
    return c.json(options)
  })
  .post('/passkeys/login', rawBodyLimit(PASSKEY_JSON_MAX_BYTES), async (c) => {
    const now = new Date()
    const rp = await startSignIn(c, now)
    if (rp instanceof Response) return rp
    const body = await readJsonObject(c)
    const response = body?.response as AuthenticationResponseJSON | undefined
    const challenge = challengeOfResponse(response)
    if (!body || challenge === null || typeof response?.id !== 'string' || response.id.length > 1024) return jsonError(c, 400, NOT_A_RESPONSE)
    const next = safeNextPath(body.next)

    const db = c.get('db')
    // Consumed first, whatever follows: one challenge answers one attempt (a replay finds nothing).
    const consumed = await consumeChallenge(db, challenge, 'authenticate', null, now)
    if (!consumed.ok) return failed(c, `challenge ${consumed.reason}`, null, consumed.reason === 'expired' ? CHALLENGE_EXPIRED : CHALLENGE_UNKNOWN)
    const passkey = await getPasskey(db, response.id)
    if (!passkey) return failed(c, 'unknown passkey', null, UNKNOWN_PASSKEY)
    const verified = await verifyAuthentication(rp, consumed.challenge, response, passkey)
    if (!verified) return failed(c, 'passkey not verified', passkey.userId, NOT_VERIFIED)
    if (counterRegressed(passkey.counter, verified.counter)) {
      await recordAuthAudit(c, 'passkey.counter_mismatch', {
        actorId: null, targetId: passkey.userId, detail: { name: passkey.name, stored: passkey.counter, reported: verified.counter },
      })
      return failed(c, 'passkey counter regressed', passkey.userId, COUNTER_REFUSED, 403)
    }
    await recordPasskeyUse(db, passkey.id, verified.counter, now)

    const user = await getUserById(db, passkey.userId)
    if (!user) return failed(c, 'unknown passkey', null, UNKNOWN_PASSKEY)
    const refusal = signInRefusal(user)
    if (refusal) return failed(c, refusal.reason, user.id, refusal.message, 403)
    return asJsonRedirect(await completeSignIn(c, user, 'passkey', next, now))
  })
