import { Hono } from 'hono'
import {
  changeUserRole, credentialEnding, deactivateUser, getPendingVerification, getUserById, LastAdminError,
  reactivateUser, reauthenticate, reportEndedCredentials, requestAccountDeletion, retryAccountDeletion, sendVerificationEmail, setSessionCookie,
  startImpersonation,
} from '../auth'
import { clientIp, formBodyLimit, readForm, redirectAfterPost, respondWithForm } from '../platform/forms'
import { recordAudit } from '../platform/audit'
import { renderError } from '../platform/errors'
import { setFlash } from '../platform/flash'
import type { AppContext, AppEnv } from '../platform/types'
import { ADMIN_FORM_MAX_BYTES, adminGate, adminThrottle, notFound, recordAdminAction } from './http'
import { isUuid } from '../platform/format'
import { ImpersonateForm, renderUserPage } from './user-page'

/**
 * The actions on one account (issue 13). Each writes exactly one audit row naming the admin and the user,
 * answers with a flash and a redirect to the user page, and refuses bad input with a 4xx page.
 */
const guard = [...adminGate, adminThrottle, formBodyLimit({ maxSize: ADMIN_FORM_MAX_BYTES })] as const

function targetId(c: AppContext): string | null {
  const id = c.req.param('id')
  return id && isUuid(id) ? id : null
}

function lastAdmin(c: AppContext) {
  return renderError(c, { status: 409, title: 'Last administrator', message: new LastAdminError().message })
}

const userTarget = (id: string) => ({ type: 'user', id })

export const userActionRoutes = new Hono<AppEnv>()
  .post('/admin/users/:id/role', ...guard, async (c) => {
    const id = targetId(c)
    if (!id) return notFound(c)
    const role = (await readForm(c)).role
    if (role !== 'user' && role !== 'admin') return renderError(c, { status: 422, title: 'Unknown role', message: 'Choose User or Admin.' })
    let previous
    try {
      previous = await changeUserRole(c.get('db'), id, role)
    } catch (err) {
      if (err instanceof LastAdminError) return lastAdmin(c)
      throw err
    }
    if (previous === null) return notFound(c)
    if (previous !== role) await recordAdminAction(c, 'admin.user.role_changed', userTarget(id), { from: previous, to: role })
    setFlash(c, 'success', previous === role ? `The role was already ${role}.` : `The role is now ${role}.`)
    // An admin who gave up their own role can no longer see the admin area.
    return redirectAfterPost(c, id === c.get('user')!.id && role !== 'admin' ? '/dashboard' : `/admin/users/${id}`)
  })
  .post('/admin/users/:id/deactivate', ...guard, async (c) => {
    const id = targetId(c)
    if (!id) return notFound(c)
    let done
    // The account's API keys end with it, in the same transaction (checklist 35, ADR 0083).
    const ending = credentialEnding(c, 'deactivated')
    try {
      done = await deactivateUser(c.get('db'), id, new Date(), ending.end)
    } catch (err) {
      if (err instanceof LastAdminError) return lastAdmin(c)
      throw err
    }
    if (!done) return notFound(c)
    await recordAdminAction(c, 'admin.user.deactivated', userTarget(id))
    const user = await getUserById(c.get('db'), id)
    if (user) await reportEndedCredentials(c, ending, user)
    // Deactivating oneself (allowed while another admin remains) ended this very session too.
    if (id === c.get('user')!.id) return redirectAfterPost(c, '/login')
    setFlash(c, 'success', 'The account is deactivated: every session has ended and logging in is refused.')
    return redirectAfterPost(c, `/admin/users/${id}`)
  })
  .post('/admin/users/:id/reactivate', ...guard, async (c) => {
    const id = targetId(c)
    if (!id || !(await reactivateUser(c.get('db'), id))) return notFound(c)
    await recordAdminAction(c, 'admin.user.reactivated', userTarget(id))
    setFlash(c, 'success', 'The account is active again; the user can log in.')
    return redirectAfterPost(c, `/admin/users/${id}`)
  })
  .post('/admin/users/:id/resend-verification', ...guard, async (c) => {
    const id = targetId(c)
    const user = id ? await getUserById(c.get('db'), id) : null
    if (!id || !user) return notFound(c)
    const pending = await getPendingVerification(c.get('db'), id)
    if (user.emailVerifiedAt && !pending) return renderError(c, { status: 409, title: 'Already verified', message: 'This address is verified; there is nothing to resend.' })
    const email = pending?.email ?? user.email
    await sendVerificationEmail(c, user, email, new Date())
    await recordAdminAction(c, 'admin.user.verification_resent', userTarget(id))
    setFlash(c, 'success', `A new verification mail is on its way to ${email}.`)
    return redirectAfterPost(c, `/admin/users/${id}`)
  })
  .post('/admin/users/:id/delete', ...guard, async (c) => {
    const id = targetId(c)
    const db = c.get('db')
    const user = id ? await getUserById(db, id) : null
    if (!id || !user) return notFound(c)
    const confirm = ((await readForm(c)).confirm_email ?? '').trim().toLowerCase()
    if (confirm !== user.email) return renderError(c, { status: 422, title: 'Not confirmed', message: 'Type the account\'s email address exactly to delete it.' })
    try {
      // The same saga as self-deletion (ADR 0084): marked, signed out and audited in one transaction,
      // then the deletion queue runs every feature's cleanup, the user row last.
      if (!(await requestAccountDeletion(c, id, { action: 'admin.user.deleted' }))) return notFound(c)
    } catch (err) {
      if (err instanceof LastAdminError) return lastAdmin(c)
      throw err
    }
    if (id === c.get('user')!.id) return redirectAfterPost(c, '/')
    setFlash(c, 'success', `The account of ${user.email} is being deleted: signed out, and its data goes within minutes.`)
    return redirectAfterPost(c, `/admin/users/${id}`)
  })
  .post('/admin/users/:id/deletion/retry', ...guard, async (c) => {
    const id = targetId(c)
    if (!id || !(await getUserById(c.get('db'), id))) return notFound(c)
    // Only an account whose deletion was asked for: this never starts a deletion by itself.
    const retried = await retryAccountDeletion(c.get('db'), c.env, id)
    if (retried === 'not_deleting') return renderError(c, { status: 409, title: 'Not being deleted', message: 'This account is not being deleted; there is nothing to retry.' })
    await recordAdminAction(c, 'admin.user.deletion_retried', userTarget(id), { queued: retried === 'queued' })
    if (retried === 'not_queued') return renderError(c, { status: 503, title: 'Queue unavailable', message: 'The deletion could not be queued; it is marked failed. Try again in a minute.' })
    setFlash(c, 'success', 'The deletion was queued again.')
    return redirectAfterPost(c, `/admin/users/${id}`)
  })
  .post('/admin/users/:id/impersonate', ...guard, async (c) => {
    const id = targetId(c)
    if (!id) return notFound(c)
    const admin = c.get('user')!
    const denied = await reauthenticate(c, admin, (await readForm(c)).password ?? '')
    if (denied) {
      // The form again with the message under the field (issue 20): the fragment for htmx, the user page
      // without JavaScript; the status says what happened (401 wrong, 429 throttled).
      if (denied.status === 429) c.header('Retry-After', '60')
      const target = await getUserById(c.get('db'), id)
      if (!target) return notFound(c)
      return respondWithForm(c, denied.status, <ImpersonateForm user={target} error={denied.message} />,
        () => renderUserPage(c, id, { impersonateError: denied.message }), `${target.name} · Admin`)
    }
    const now = new Date()
    const started = await startImpersonation(c.get('db'), admin, id, {
      userAgent: c.req.header('user-agent'), ipAddress: clientIp(c), previousSessionId: c.get('session')!.id,
    }, now)
    if (!started.ok) {
      const message = {
        not_found: 'That user does not exist.',
        is_admin: 'Administrators cannot be impersonated.',
        deactivated: 'This account is deactivated.',
        deleting: 'This account is being deleted.',
        self: 'You are already yourself.',
      }[started.reason]
      return renderError(c, { status: started.reason === 'not_found' ? 404 : 403, title: 'Cannot log in as this user', message })
    }
    setSessionCookie(c, started.token, started.session.expiresAt, now)
    // From this response on the admin acts on behalf of the user: the row names both (ADR 0060).
    await recordAudit(c, { action: 'admin.impersonation.started', targetType: 'user', targetId: id, actorId: admin.id, onBehalfOfId: id })
    setFlash(c, 'warning', `You are now logged in as ${started.target.name}. Use the banner to go back.`)
    return redirectAfterPost(c, '/dashboard')
  })
