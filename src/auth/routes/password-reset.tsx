import { Hono } from 'hono'
import { z } from 'zod'
import { runAfterResponse } from '../../platform/after-response'
import { Field, FormErrorSummary, type FieldErrors, Notice } from '../../platform/components'
import { setFlash } from '../../platform/flash'
import { clientIp, formBodyLimit, parseForm, readForm, redirectAfterPost, respondWithForm } from '../../platform/forms'
import type { AppContext, AppEnv } from '../../platform/types'
import { recordAuthAudit } from '../audit'
import { credentialEnding, reportEndedCredentials } from '../credentials'
import { logAuthEvent } from '../log'
import { consumeBucket, RESET_REQUEST_IP_LIMIT, RESET_REQUEST_LIMIT, throttleMessage } from '../auth-throttle'
import { appUrl, sendAuthEmail, sendSecurityNotice } from '../mail'
import { breachCheckFor, hashPassword, isPasswordBreached, passwordSchema, PASSWORD_MIN } from '../password'
import { createPasswordResetToken, findValidResetToken, resetPasswordWithToken, RESET_TTL_MINUTES } from '../password-reset'
import { deleteSessionCookie } from '../session'
import type { User } from '../schema'
import { emailSchema, getUserByEmail, getUserById } from '../user'
import { AuthPage, SubmitButton } from '../views/components'
import { BREACHED_MESSAGE } from './signup'

// Same answer whether or not the account exists (checklist 18, Copenhagen password-reset).
export const RESET_SENT = 'If an account exists for that address, we sent a link to reset the password. It works for one hour.'

// error: a form-level message (throttling); emailError: what is wrong with the address, shown at the field.
function ForgotForm({ email, error, emailError, sent }: { email?: string; error?: string; emailError?: string; sent?: boolean }) {
  return (
    <form id="forgot-form" method="post" action="/forgot-password" hx-post="/forgot-password" hx-target="this" hx-swap="outerHTML" novalidate>
      <Notice kind="danger" message={error} />
      <Notice kind="success" message={sent ? RESET_SENT : undefined} />
      <Field name="email" label="Email" type="email" value={email} error={emailError} required maxlength={254} autocomplete="email" />
      <SubmitButton label="Send reset link" />
      <p>Remembered it? <a href="/login">Log in</a>.</p>
    </form>
  )
}

function ForgotPage(props: { email?: string; error?: string; emailError?: string; sent?: boolean }) {
  return (
    <AuthPage title="Reset your password" subtitle="Enter the address you signed up with and we will mail you a link.">
      <ForgotForm {...props} />
    </AuthPage>
  )
}

function ResetForm({ token, errors = {} }: { token: string; errors?: FieldErrors }) {
  return (
    <form id="reset-form" method="post" action="/reset-password" hx-post="/reset-password" hx-target="this" hx-swap="outerHTML" novalidate>
      <FormErrorSummary errors={errors} />
      <input type="hidden" name="token" value={token} />
      <Field name="password" label="New password" type="password" error={errors.password} required minlength={PASSWORD_MIN} autocomplete="new-password"
        help={`At least ${PASSWORD_MIN} characters.`} />
      <SubmitButton label="Set new password" />
    </form>
  )
}

function ResetPage(props: { token: string; errors?: FieldErrors }) {
  return (
    <AuthPage title="Choose a new password" subtitle="You will be signed out everywhere and can log in with the new password.">
      <ResetForm {...props} />
    </AuthPage>
  )
}

function InvalidLinkPage() {
  return (
    <AuthPage title="This reset link does not work">
      <Notice kind="danger" message="The link is invalid, has expired or was already used. Links work once, for one hour." />
      <p><a class="button is-primary" href="/forgot-password">Request a new link</a></p>
    </AuthPage>
  )
}

const emailFormSchema = z.object({ email: emailSchema })
const resetFormSchema = z.object({ password: passwordSchema })

// Runs after the response (runAfterResponse gives it its own database handle and logs a failure).
function issuePasswordReset(c: AppContext, user: Pick<User, 'id' | 'name' | 'email'>, now: Date): void {
  runAfterResponse(c, 'password reset', async (db) => {
    const { token } = await createPasswordResetToken(db, user.id, now)
    await sendAuthEmail(c, {
      template: 'password-reset',
      to: user.email,
      props: { name: user.name, resetUrl: appUrl(c, `/reset-password?token=${token}`), expiresInMinutes: RESET_TTL_MINUTES },
    }, db)
    logAuthEvent(c, 'password.reset_requested', { userId: user.id })
  })
}

export const passwordResetRoutes = new Hono<AppEnv>()
  .get('/forgot-password', (c) => c.render(<ForgotPage />, { title: 'Reset your password' }))
  .post('/forgot-password', formBodyLimit(), async (c) => {
    const form = await readForm(c)
    const parsed = parseForm(emailFormSchema, form)
    if (!parsed.ok) {
      const error = parsed.errors.email
      return respondWithForm(c, 422, <ForgotForm email={form.email} emailError={error} />, <ForgotPage email={form.email} emailError={error} />, 'Reset your password')
    }
    const email = parsed.data.email
    // Limits mail bombing of one address and sweeping from one client; the per-address limit answers
    // the same way as success so it reveals nothing either.
    const now = new Date()
    const ipThrottle = await consumeBucket(c.env, `reset-ip:${clientIp(c)}`, RESET_REQUEST_IP_LIMIT, now)
    if (!ipThrottle.allowed) {
      const error = throttleMessage(ipThrottle.retryAfterSeconds)
      return respondWithForm(c, 429, <ForgotForm email={email} error={error} />, <ForgotPage email={email} error={error} />, 'Reset your password')
    }
    const addressThrottle = await consumeBucket(c.env, `reset:${email}`, RESET_REQUEST_LIMIT, now)
    const user = addressThrottle.allowed ? await getUserByEmail(c.get('db'), email) : null
    // Issuing the token and queueing the mail happen after the answer is sent: done inline, their extra
    // writes would make a known address answer measurably later than an unknown one (OWASP Forgot Password
    // cheat sheet: consistent response time; checklist 18).
    // An account being deleted gets no reset link (ADR 0084); the answer is the same.
    if (user !== null && user.deletionRequestedAt === null) issuePasswordReset(c, user, now)
    return respondWithForm(c, 200, <ForgotForm sent />, <ForgotPage sent />, 'Reset your password')
  })
  .get('/reset-password', async (c) => {
    const token = c.req.query('token') ?? ''
    if ((await findValidResetToken(c.get('db'), token, new Date())) === null) {
      c.status(400)
      return c.render(<InvalidLinkPage />, { title: 'Invalid reset link' })
    }
    // The token stays in the page only; Referrer-Policy keeps it out of other sites' logs (checklist 15).
    c.header('Referrer-Policy', 'no-referrer')
    return c.render(<ResetPage token={token} />, { title: 'Choose a new password' })
  })
  .post('/reset-password', formBodyLimit(), async (c) => {
    const form = await readForm(c)
    const token = form.token ?? ''
    const db = c.get('db')
    const now = new Date()
    const valid = await findValidResetToken(db, token, now)
    if (valid === null) {
      c.status(400)
      return c.render(<InvalidLinkPage />, { title: 'Invalid reset link' })
    }
    const parsed = parseForm(resetFormSchema, form)
    const errors: FieldErrors | null = !parsed.ok ? parsed.errors
      : (await isPasswordBreached(parsed.data.password, breachCheckFor(c))) ? { password: BREACHED_MESSAGE } : null
    if (errors !== null || !parsed.ok) {
      return respondWithForm(c, 422, <ResetForm token={token} errors={errors ?? {}} />, <ResetPage token={token} errors={errors ?? {}} />, 'Choose a new password')
    }
    // An account made through a provider (no password yet) gains a way in: its owner is told (issue 22).
    const firstPassword = (await getUserById(db, valid.userId))?.passwordHash === null
    // The account's API keys end with the reset, in its transaction (checklist 35).
    const ending = credentialEnding(c, 'password_reset')
    const userId = await resetPasswordWithToken(db, token, await hashPassword(parsed.data.password), now, ending.end)
    if (userId === null) {
      c.status(400)
      return c.render(<InvalidLinkPage />, { title: 'Invalid reset link' })
    }
    logAuthEvent(c, 'password.reset', { userId })
    await recordAuthAudit(c, 'auth.password_reset', { actorId: userId, targetId: userId })
    const user = await getUserById(db, userId)
    if (user) await reportEndedCredentials(c, ending, user, { actorId: userId })
    if (user) await sendSecurityNotice(c, user, firstPassword ? 'password_set' : 'password_reset')
    deleteSessionCookie(c)
    setFlash(c, 'success', 'Your password has been changed and you were signed out everywhere. Log in with the new password.')
    return redirectAfterPost(c, '/login')
  })
