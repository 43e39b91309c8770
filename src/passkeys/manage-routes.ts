import { Hono } from 'hono'
import { consumeBucket, recordAuthAudit, refuseWhileImpersonating, removeSignInMethod, requireUser, sendSecurityNotice, throttleMessage } from '../auth'
import { renderError } from '../platform/errors'
import { setFlash } from '../platform/flash'
import { formBodyLimit, readForm, redirectAfterPost } from '../platform/forms'
import type { AppContext, AppEnv } from '../platform/types'
import { CHANGE_LIMIT } from './json'
import { changeThrottleKey, cleanPasskeyName, deletePasskey, getPasskey, renamePasskey } from './store'

export const LAST_WAY_IN = 'This passkey is your only way to sign in. Set a password or add another passkey first, then remove this one.'
const NOT_FOUND = { status: 404, title: 'Passkey not found', message: 'That passkey is not on your account (it may have been removed already).' } as const

async function throttledPage(c: AppContext, userId: string): Promise<Response | null> {
  const decision = await consumeBucket(c.env, changeThrottleKey(userId), CHANGE_LIMIT, new Date())
  if (decision.allowed) return null
  c.header('Retry-After', String(decision.retryAfterSeconds))
  return renderError(c, { status: 429, title: 'Too many changes', message: throttleMessage(decision.retryAfterSeconds) })
}

// Renaming and removing belong to the account's owner, like adding (impersonation refused).
export const manageRoutes = new Hono<AppEnv>()
  .post('/passkeys/rename', formBodyLimit(), requireUser, refuseWhileImpersonating, async (c) => {
    const form = await readForm(c)
    const user = c.get('user')!
    const limited = await throttledPage(c, user.id)
    if (limited) return limited
    const name = cleanPasskeyName(form.name)
    if (!name.ok) return renderError(c, { status: 422, title: 'Name not changed', message: name.message })
    if (!(await renamePasskey(c.get('db'), user.id, form.id ?? '', name.name))) return renderError(c, NOT_FOUND)
    await recordAuthAudit(c, 'passkey.renamed', { actorId: user.id, targetId: user.id, detail: { name: name.name } })
    setFlash(c, 'success', `Passkey renamed to “${name.name}”.`)
    return redirectAfterPost(c, '/settings')
  })
  .post('/passkeys/remove', formBodyLimit(), requireUser, refuseWhileImpersonating, async (c) => {
    const form = await readForm(c)
    const user = c.get('user')!
    const limited = await throttledPage(c, user.id)
    if (limited) return limited
    const db = c.get('db')
    const passkey = await getPasskey(db, form.id ?? '')
    if (passkey?.userId !== user.id) return renderError(c, NOT_FOUND)
    // Nobody is locked out (issue 22): what is left is counted over every feature's ways in, in the same
    // transaction as the delete, so two removals at once cannot both pass.
    const result = await removeSignInMethod(c.get('registry'), db, user.id, (tx) => deletePasskey(tx, user.id, passkey.id))
    if (result.outcome === 'not-found') return renderError(c, NOT_FOUND)
    if (result.outcome === 'last-way-in') return renderError(c, { status: 409, title: 'Passkey kept', message: LAST_WAY_IN })
    const removed = result.removed
    await recordAuthAudit(c, 'passkey.removed', { actorId: user.id, targetId: user.id, detail: { name: removed.name } })
    await sendSecurityNotice(c, user, 'passkey_removed', removed.name)
    setFlash(c, 'success', `Passkey “${removed.name}” removed.`)
    return redirectAfterPost(c, '/settings')
  })
