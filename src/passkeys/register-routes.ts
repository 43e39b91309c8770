import { Hono } from 'hono'
import type { RegistrationResponseJSON } from '@simplewebauthn/server'
import { recordAuthAudit, refuseWhileImpersonating, sendSecurityNotice, type User } from '../auth'
import { setFlash } from '../platform/flash'
import { rawBodyLimit } from '../platform/forms'
import type { AppContext, AppEnv } from '../platform/types'
import { challengeOfResponse, consumeChallenge, saveChallenge } from './challenges'
import { registrationOptions, verifyRegistration } from './ceremonies'
import {
  CHALLENGE_EXPIRED, CHALLENGE_UNKNOWN, jsonError, NO_RELYING_PARTY, NOT_A_RESPONSE, PASSKEY_JSON_MAX_BYTES, readJsonObject, CHANGE_LIMIT, throttled,
} from './json'
import { relyingPartyFor, type RelyingParty } from './relying-party'
import { changeThrottleKey } from './store'
import { cleanPasskeyName, insertPasskey, listPasskeys } from './store'

// Adding a passkey needs a signed-in session of the account's owner (impersonation is refused: a support
// admin must not leave a way into the account behind). No password is asked again: accounts made through
// a provider have none, adding takes no way in away, and the owner is mailed at once (ADR 0101).
function signedInUser(c: AppContext): User | Response {
  const user = c.get('user')
  return user ?? jsonError(c, 401, 'Your session has ended. Log in again to add a passkey.')
}

/** What both registration steps check first: the owner's session, the change throttle, a relying party. */
async function startChange(c: AppContext, now: Date): Promise<{ user: User; rp: RelyingParty } | Response> {
  const user = signedInUser(c)
  if (user instanceof Response) return user
  const limited = await throttled(c, changeThrottleKey(user.id), CHANGE_LIMIT, now)
  if (limited) return limited
  const rp = relyingPartyFor(c)
  return rp ? { user, rp } : jsonError(c, 400, NO_RELYING_PARTY)
}

export const registerRoutes = new Hono<AppEnv>()
  .post('/passkeys/register/options', rawBodyLimit(PASSKEY_JSON_MAX_BYTES), refuseWhileImpersonating, async (c) => {
    const now = new Date()
    const started = await startChange(c, now)
    if (started instanceof Response) return started
    const { user, rp } = started
    const db = c.get('db')
    const options = await registrationOptions(rp, user, await listPasskeys(db, user.id))
    await saveChallenge(db, options.challenge, 'register', user.id, now)
    return c.json(options)
  })
  .post('/passkeys/register', rawBodyLimit(PASSKEY_JSON_MAX_BYTES), refuseWhileImpersonating, async (c) => {
    const now = new Date()
    const started = await startChange(c, now)
    if (started instanceof Response) return started
    const { user, rp } = started
    const body = await readJsonObject(c)
    const response = body?.response as RegistrationResponseJSON | undefined
    const challenge = challengeOfResponse(response)
    if (!body || challenge === null) return jsonError(c, 400, NOT_A_RESPONSE)
    const name = cleanPasskeyName(body.name)
    if (!name.ok) return jsonError(c, 422, name.message)

    const db = c.get('db')
    const consumed = await consumeChallenge(db, challenge, 'register', user.id, now)
    if (!consumed.ok) return jsonError(c, 400, consumed.reason === 'expired' ? CHALLENGE_EXPIRED : CHALLENGE_UNKNOWN)
    const credential = await verifyRegistration(rp, consumed.challenge, response!)
    if (!credential) return jsonError(c, 400, 'The passkey could not be verified. Try again, or use another device.')
    const added = await insertPasskey(db, { ...credential, userId: user.id, name: name.name, createdAt: now })
    if (!added) return jsonError(c, 409, 'This passkey is already registered.')

    await recordAuthAudit(c, 'passkey.added', { actorId: user.id, targetId: user.id, detail: { name: name.name } })
    await sendSecurityNotice(c, user, 'passkey_added', name.name)
    setFlash(c, 'success', `Passkey “${name.name}” added. You can sign in with it from now on.`)
    return c.json({ redirect: '/settings' })
  })
