import { Hono } from 'hono'
import { z } from 'zod'
import type { FieldErrors } from '../../platform/components'
import { renderError } from '../../platform/errors'
import { setFlash } from '../../platform/flash'
import { formBodyLimit, parseForm, readForm, redirectAfterPost, respondWithForm } from '../../platform/forms'
import { readsOnly } from '../../platform/speculation'
import type { AppContext, AppEnv } from '../../platform/types'
import { consumeEmailChangeAllowance, emailChangeThrottleMessage, SAME_PASSWORD_MESSAGE } from '../email-change'
import { getPendingVerification } from '../email-verification'
import { LastAdminError } from '../account-admin'
import { requestAccountDeletion } from '../account-deletion'
import { recordAuthAudit } from '../audit'
import { credentialEnding, reportEndedCredentials } from '../credentials'
import { refuseWhileImpersonating, requireUser } from '../guards'
import { logAuthEvent } from '../log'
import { LOGIN_ACCOUNT_DELAYS, consumeDelays, resetThrottle, throttleMessage } from '../auth-throttle'
import { breachCheckFor, hashPassword, isPasswordBreached, passwordSchema, verifyPassword } from '../password'
import type { User } from '../schema'
import { deleteSessionCookie, invalidateUserSessions, listUserSessions, revokeUserSession, startSession } from '../session'
import { changeUserPassword, emailSchema, getUserByEmail, nameSchema, updateUserName } from '../user'
import { DeleteForm, EmailForm, NameForm, PasswordForm, SettingsPage, type SettingsErrors } from '../views/settings'
import { BREACHED_MESSAGE } from './signup'
import { sendVerificationEmail } from './verify-email'
import { sendSecurityNotice } from '../mail'

type Errors = FieldErrors & { form?: string }
const LAST_ADMIN_DELETE = 'You are the only active administrator. Make someone else an admin before you delete your account.'
// A refusal carries its status with it: nothing downstream guesses it from the message text.
type Refusal = { status: 401 | 422 | 429; errors: Errors }

const refuse = (errors: Errors, status: Refusal['status'] = 422): Refusal => ({ status, errors })
const nameFormSchema = z.object({ name: nameSchema })
const emailFormSchema = z.object({ email: emailSchema })
const passwordFormSchema = z.object({ new_password: passwordSchema })

async function renderSettings(c: AppContext, now: Date, status: 200 | 401 | 409 | 422 | 429, errors: SettingsErrors = {}, emailValue?: string) {
  const user = c.get('user')!
  const db = c.get('db')
  const registry = c.get('registry')
  // The registry's sections (linked providers, passkeys, two-factor codes) load beside auth's own reads.
  const [sessions, pending, ...loaded] = await Promise.all([
    listUserSessions(db, user.id, now),
    getPendingVerification(db, user.id),
    ...registry.settingsSections.map((section) => section.load(db, user, c.env, now)),
  ])
  const sections = registry.settingsSections.map((section, i) => ({ id: section.id, title: section.title, content: section.render(loaded[i], c) }))
  c.status(status)
  return c.render(
    <SettingsPage user={user} sessions={sessions} currentSessionId={c.get('session')!.id} pendingEmail={pending?.email ?? null} errors={errors} emailValue={emailValue} sections={sections} />,
    { title: 'Settings' },
  )
}

/**
 * Re-authentication for sensitive changes (checklist 11): the current password, behind the same delay
 * ladder as login so that a stolen session cannot brute-force it.
 */
async function confirmPassword(c: AppContext, user: User, password: string, now: Date, field = 'current_password'): Promise<Refusal | null> {
  const key = `reauth:${user.id}`
  const throttle = await consumeDelays(c.env, [key], () => LOGIN_ACCOUNT_DELAYS, now)
  if (!throttle.allowed) return refuse({ form: throttleMessage(throttle.retryAfterSeconds) }, 429)
  // A passwordless account (made through GitHub or Google) sets a password through the reset mail first.
  if (user.passwordHash === null) return refuse({ [field]: 'Your account has no password yet. Use “Email me a link to set a password” under Set a password first.' }, 401)
  if (!(await verifyPassword(user.passwordHash, password))) {
    logAuthEvent(c, 'access.denied', { userId: user.id, reason: 'wrong current password', path: c.req.path })
    await recordAuthAudit(c, 'auth.reauth_failed', { targetId: user.id, detail: { path: c.req.path } })
    return refuse({ [field]: 'Your current password is not correct.' }, 401)
  }
  await resetThrottle(c.env, [key])
  return null
}

export const settingsRoutes = new Hono<AppEnv>()
  .use('/settings', requireUser)
  .use('/settings/*', requireUser)
  // An admin acting as this user (support) may look and fix a name, never take over the credentials.
  .use('/settings/email', refuseWhileImpersonating)
  .use('/settings/password', refuseWhileImpersonating)
  .use('/settings/delete', refuseWhileImpersonating)
  // Signing the person out of every device is theirs to do, not support's (their real sessions would end).
  .use('/settings/sessions/revoke-others', refuseWhileImpersonating)
  // Reads only (ADR 0106): on a warm isolate, rendered in the session lookup's round trip.
  .get('/settings', readsOnly, (c) => renderSettings(c, new Date(), 200))
  .post('/settings/name', formBodyLimit(), async (c) => {
    const user = c.get('user')!
    const now = new Date()
    const parsed = parseForm(nameFormSchema, await readForm(c))
    if (!parsed.ok) {
      const errors = parsed.errors
      return respondWithForm(c, 422, <NameForm user={user} errors={errors} />, () => renderSettings(c, now, 422, { name: errors }), 'Settings')
    }
    await updateUserName(c.get('db'), user.id, parsed.data.name)
    await recordAuthAudit(c, 'auth.name_changed', { targetId: user.id })
    setFlash(c, 'success', 'Your name has been saved.')
    return redirectAfterPost(c, '/settings')
  })
  .post('/settings/email', formBodyLimit(), async (c) => {
    const user = c.get('user')!
    const now = new Date()
    const form = await readForm(c)
    const db = c.get('db')
    const fail = ({ status, errors }: Refusal) =>
      respondWithForm(c, status, <EmailForm user={user} errors={errors} values={{ email: form.email }} />, () => renderSettings(c, now, status, { email: errors }, form.email), 'Settings')
    const parsed = parseForm(emailFormSchema, form)
    if (!parsed.ok) return fail(refuse(parsed.errors))
    const email = parsed.data.email
    if (email === user.email) return fail(refuse({ email: 'That is already your email address.' }))
    const denied = await confirmPassword(c, user, form.email_current_password ?? '', now, 'email_current_password')
    if (denied) return fail(denied)
    // Settings is behind a session, so saying "taken" here reveals nothing the sign-up form would not.
    if ((await getUserByEmail(db, email)) !== null) return fail(refuse({ email: 'An account with this email already exists.' }))
    const allowance = await consumeEmailChangeAllowance(c.env, user.id, email, now)
    if (!allowance.allowed) {
      c.header('Retry-After', String(allowance.retryAfterSeconds))
      return fail(refuse({ form: emailChangeThrottleMessage(allowance.retryAfterSeconds) }, 429))
    }
    await sendVerificationEmail(c, user, email, now)
    logAuthEvent(c, 'email.change_requested', { userId: user.id })
    await recordAuthAudit(c, 'auth.email_change_requested', { targetId: user.id })
    setFlash(c, 'info', `We sent a code to ${email}. Enter it to confirm the change.`)
    return redirectAfterPost(c, '/verify-email')
  })
  .post('/settings/password', formBodyLimit(), async (c) => {
    const user = c.get('user')!
    const now = new Date()
    const form = await readForm(c)
    const db = c.get('db')
    const fail = ({ status, errors }: Refusal) =>
      respondWithForm(c, status, <PasswordForm errors={errors} />, () => renderSettings(c, now, status, { password: errors }), 'Settings')
    const parsed = parseForm(passwordFormSchema, form)
    if (!parsed.ok) return fail(refuse(parsed.errors))
    const denied = await confirmPassword(c, user, form.current_password ?? '', now)
    if (denied) return fail(denied)
    // The current one was just verified, so plain equality is enough (no normalisation: checklist 1).
    if (parsed.data.new_password === form.current_password) return fail(refuse({ new_password: SAME_PASSWORD_MESSAGE }))
    if (await isPasswordBreached(parsed.data.new_password, breachCheckFor(c))) return fail(refuse({ new_password: BREACHED_MESSAGE }))
    // Every other session ends (checklist 3) and every API key (checklist 35); this browser gets a fresh
    // session (step-up, checklist 8).
    const ending = credentialEnding(c, 'password_changed')
    await changeUserPassword(db, user.id, await hashPassword(parsed.data.new_password), now, ending.end)
    await startSession(c, user, now)
    logAuthEvent(c, 'password.changed', { userId: user.id })
    await recordAuthAudit(c, 'auth.password_changed', { targetId: user.id })
    await reportEndedCredentials(c, ending, user)
    // After commit, like every mail (checklist: the owner hears of every change to how the account signs in).
    await sendSecurityNotice(c, user, 'password_changed')
    setFlash(c, 'success', 'Your password has been changed. Your other sessions were signed out.')
    return redirectAfterPost(c, '/settings')
  })
  .post('/settings/sessions/revoke-others', formBodyLimit(), async (c) => {
    // No throttle, as for one session's revoke: it guesses nothing and sends nothing (checklist 20 and 23
    // throttle guesses and mail), and it can only end the asker's own other sessions.
    const user = c.get('user')!
    const ended = await invalidateUserSessions(c.get('db'), user.id, { except: c.get('session')!.id })
    logAuthEvent(c, 'session.revoked', { userId: user.id, reason: 'sign out all other sessions' })
    await recordAuthAudit(c, 'auth.other_sessions_revoked', { targetId: user.id, detail: { count: ended } })
    setFlash(c, 'success', ended === 0 ? 'No other session was signed in.' : `Signed out ${ended} other ${ended === 1 ? 'session' : 'sessions'}.`)
    return redirectAfterPost(c, '/settings')
  })
  .post('/settings/sessions/:id/revoke', formBodyLimit(), async (c) => {
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
  .post('/settings/delete', formBodyLimit(), async (c) => {
    const user = c.get('user')!
    const now = new Date()
    const form = await readForm(c)
    const denied = await confirmPassword(c, user, form.delete_current_password ?? '', now, 'delete_current_password')
    const fail = ({ status, errors }: Refusal | { status: 409; errors: Errors }) =>
      respondWithForm(c, status, <DeleteForm hasPassword={user.passwordHash !== null} errors={errors} />, () => renderSettings(c, now, status, { delete: errors }), 'Settings')
    if (denied) return fail(denied)
    try {
      // A saga (ADR 0084): marked deleting, signed out everywhere, API keys ended and the audit row
      // written in one transaction; the queue then cancels Stripe and removes the data, the account last.
      // The audit row outlives the user (ids, not foreign keys: ADR 0060).
      await requestAccountDeletion(c, user.id, { action: 'auth.account_deleted' })
    } catch (err) {
      // The only active admin stays: the site would have no one to run it (issue 19, finding 5).
      if (err instanceof LastAdminError) return fail({ status: 409, errors: { form: LAST_ADMIN_DELETE } })
      throw err
    }
    logAuthEvent(c, 'account.deleted', { userId: user.id })
    deleteSessionCookie(c)
    setFlash(c, 'info', 'Your account is being deleted. You have been signed out everywhere; your subscription is canceled and your data removed within minutes.')
    return redirectAfterPost(c, '/')
  })
