import { Hono } from 'hono'
import type { FieldErrors } from '../../platform/components'
import { renderError } from '../../platform/errors'
import { setFlash } from '../../platform/flash'
import { isHtmxRequest } from '../../platform/htmx'
import type { AppContext, AppEnv } from '../../platform/types'
import { getPendingVerification } from '../email-verification'
import { clientIp, readForm, redirectAfterPost } from '../forms'
import { requireUser } from '../guards'
import { logAuthEvent } from '../log'
import { LOGIN_ACCOUNT_DELAYS, consumeDelays, resetThrottle, throttleMessage } from '../login-throttle'
import { hashPassword, isPasswordBreached, passwordSchema, verifyPassword } from '../password'
import type { User } from '../schema'
import {
  createSession, deleteSessionCookie, listUserSessions, revokeUserSession, setSessionCookie,
} from '../session'
import { changeUserPassword, deleteUserAccount, emailSchema, getUserByEmail, nameSchema, updateUserName } from '../user'
import { DeleteForm, EmailForm, NameForm, PasswordForm, SettingsPage, type SettingsErrors } from '../views/settings'
import { authBodyLimit } from './body-limit'
import { BREACHED_MESSAGE } from './signup'
import { sendVerificationEmail } from './verify-email'

type Errors = FieldErrors & { form?: string }

async function renderSettings(c: AppContext, status: 200 | 401 | 422 | 429, errors: SettingsErrors = {}, emailValue?: string) {
  const user = c.get('user')!
  const db = c.get('db')
  const [sessions, pending] = await Promise.all([listUserSessions(db, user.id), getPendingVerification(db, user.id)])
  c.status(status)
  return c.render(
    <SettingsPage user={user} sessions={sessions} currentSessionId={c.get('session')!.id} pendingEmail={pending?.email ?? null} errors={errors} emailValue={emailValue} />,
    { title: 'Settings' },
  )
}

/**
 * Re-authentication for sensitive changes (checklist 11): the current password, behind the same delay
 * ladder as login so that a stolen session cannot brute-force it.
 */
async function confirmPassword(c: AppContext, user: User, password: string, field = 'current_password'): Promise<Errors | null> {
  const key = `reauth:${user.id}`
  const throttle = await consumeDelays(c.env, [key], () => LOGIN_ACCOUNT_DELAYS)
  if (!throttle.allowed) return { form: throttleMessage(throttle.retryAfterSeconds) }
  if (!(await verifyPassword(user.passwordHash, password))) {
    logAuthEvent(c, 'access.denied', { userId: user.id, reason: 'wrong current password', path: c.req.path })
    return { [field]: 'Your current password is not correct.' }
  }
  await resetThrottle(c.env, [key])
  return null
}

function statusFor(errors: Errors): 401 | 422 | 429 {
  return errors.form?.startsWith('Too many') ? 429 : Object.keys(errors).some((k) => k.endsWith('current_password')) ? 401 : 422
}

export const settingsRoutes = new Hono<AppEnv>()
  .use('/settings', requireUser)
  .use('/settings/*', requireUser)
  .get('/settings', (c) => renderSettings(c, 200))
  .post('/settings/name', authBodyLimit, async (c) => {
    const user = c.get('user')!
    const parsed = nameSchema.safeParse((await readForm(c)).name ?? '')
    if (!parsed.success) {
      const errors = { name: parsed.error.issues[0]!.message }
      if (isHtmxRequest(c)) return c.html(<NameForm user={user} errors={errors} />, 422)
      return renderSettings(c, 422, { name: errors })
    }
    await updateUserName(c.get('db'), user.id, parsed.data)
    setFlash(c, 'success', 'Your name has been saved.')
    return redirectAfterPost(c, '/settings')
  })
  .post('/settings/email', authBodyLimit, async (c) => {
    const user = c.get('user')!
    const form = await readForm(c)
    const db = c.get('db')
    const fail = (errors: Errors) =>
      isHtmxRequest(c) ? c.html(<EmailForm user={user} errors={errors} values={{ email: form.email }} />, statusFor(errors)) : renderSettings(c, statusFor(errors), { email: errors }, form.email)
    const parsed = emailSchema.safeParse(form.email ?? '')
    if (!parsed.success) return fail({ email: parsed.error.issues[0]!.message })
    if (parsed.data === user.email) return fail({ email: 'That is already your email address.' })
    const denied = await confirmPassword(c, user, form.email_current_password ?? '', 'email_current_password')
    if (denied) return fail(denied)
    // Settings is behind a session, so saying "taken" here reveals nothing the sign-up form would not.
    if ((await getUserByEmail(db, parsed.data)) !== null) return fail({ email: 'An account with this email already exists.' })
    await sendVerificationEmail(c, user, parsed.data)
    logAuthEvent(c, 'email.change_requested', { userId: user.id })
    setFlash(c, 'info', `We sent a code to ${parsed.data}. Enter it to confirm the change.`)
    return redirectAfterPost(c, '/verify-email')
  })
  .post('/settings/password', authBodyLimit, async (c) => {
    const user = c.get('user')!
    const form = await readForm(c)
    const db = c.get('db')
    const fail = (errors: Errors) =>
      isHtmxRequest(c) ? c.html(<PasswordForm errors={errors} />, statusFor(errors)) : renderSettings(c, statusFor(errors), { password: errors })
    const parsed = passwordSchema.safeParse(form.new_password ?? '')
    if (!parsed.success) return fail({ new_password: parsed.error.issues[0]!.message })
    const denied = await confirmPassword(c, user, form.current_password ?? '')
    if (denied) return fail(denied)
    if (await isPasswordBreached(parsed.data, { requestId: c.get('requestId') })) return fail({ new_password: BREACHED_MESSAGE })
    // Every other session ends (checklist 3); this browser gets a fresh one (step-up, checklist 8).
    await changeUserPassword(db, user.id, await hashPassword(parsed.data))
    const { token, session } = await createSession(db, user.id, { userAgent: c.req.header('user-agent'), ipAddress: clientIp(c) })
    setSessionCookie(c, token, session.expiresAt)
    logAuthEvent(c, 'password.changed', { userId: user.id })
    setFlash(c, 'success', 'Your password has been changed. Your other sessions were signed out.')
    return redirectAfterPost(c, '/settings')
  })
  .post('/settings/sessions/:id/revoke', async (c) => {
    const user = c.get('user')!
    const id = c.req.param('id')
    // Scoped to the owner: another user's session id matches nothing and gets the same 404 as a typo.
    if (!(await revokeUserSession(c.get('db'), user.id, id))) {
      logAuthEvent(c, 'access.denied', { userId: user.id, reason: 'unknown session', path: '/settings/sessions/:id/revoke' })
      return renderError(c, { status: 404, title: 'Session not found', message: 'That session does not exist or was already signed out.' })
    }
    logAuthEvent(c, 'session.revoked', { userId: user.id })
    if (id === c.get('session')!.id) {
      deleteSessionCookie(c)
      return redirectAfterPost(c, '/login')
    }
    setFlash(c, 'success', 'That session has been signed out.')
    return redirectAfterPost(c, '/settings')
  })
  .post('/settings/delete', authBodyLimit, async (c) => {
    const user = c.get('user')!
    const form = await readForm(c)
    const denied = await confirmPassword(c, user, form.delete_current_password ?? '', 'delete_current_password')
    if (denied) return isHtmxRequest(c) ? c.html(<DeleteForm errors={denied} />, statusFor(denied)) : renderSettings(c, statusFor(denied), { delete: denied })
    await deleteUserAccount(c.get('db'), c.env, user.id, c.get('registry').accountCleanups)
    logAuthEvent(c, 'account.deleted', { userId: user.id })
    deleteSessionCookie(c)
    setFlash(c, 'info', 'Your account and its data have been deleted.')
    return redirectAfterPost(c, '/')
  })
