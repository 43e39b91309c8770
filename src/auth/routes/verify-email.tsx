import { Hono } from 'hono'
import { Field, Notice } from '../../platform/components'
import { setFlash } from '../../platform/flash'
import type { AppContext, AppEnv } from '../../platform/types'
import {
  applyEmailVerification, checkVerificationCode, checkVerificationToken, createEmailVerification, getPendingVerification,
  VERIFICATION_TTL_MINUTES, type VerificationCheck,
} from '../email-verification'
import { formBodyLimit, readForm, redirectAfterPost, respondWithForm } from '../../platform/forms'
import { requireUser } from '../guards'
import { recordAuthAudit } from '../audit'
import { logAuthEvent } from '../log'
import { consumeBucket, throttleMessage, VERIFY_CODE_LIMIT, VERIFY_RESEND_LIMIT } from '../auth-throttle'
import { appUrl, sendAuthEmail } from '../mail'
import type { User } from '../schema'
import { invalidateUserSessions, startSession } from '../session'
import { getUserById } from '../user'
import { AuthPage, SubmitButton } from '../views/components'

function CodeForm({ error }: { error?: string }) {
  return (
    <form id="verify-form" method="post" action="/verify-email" hx-post="/verify-email" hx-target="this" hx-swap="outerHTML" novalidate>
      {/* The message belongs to the one field: tied to it with aria-describedby, and app.js moves focus back to it. */}
      <Field name="code" label="8-digit code" inputmode="numeric" autocomplete="one-time-code" maxlength={8} minlength={8} required error={error} />
      <SubmitButton label="Verify email" />
    </form>
  )
}

function VerifyPage({ email, error }: { email: string; error?: string }) {
  return (
    <AuthPage title="Verify your email" subtitle={`We sent an 8-digit code and a link to ${email}. They work for ${VERIFICATION_TTL_MINUTES} minutes.`}>
      <CodeForm error={error} />
      <form method="post" action="/verify-email/resend" class="mt-4">
        <p>No mail? Check your spam folder, or <button class="link-button" type="submit">send a new code</button>.</p>
      </form>
    </AuthPage>
  )
}

// GET never changes state (checklist 13): the link lands on a page whose button POSTs the token.
function ConfirmLinkPage({ token }: { token: string }) {
  return (
    <AuthPage title="Confirm your email address" subtitle="One click and you are done.">
      <form method="post" action="/verify-email">
        <input type="hidden" name="token" value={token} />
        <SubmitButton label="Confirm my email address" />
      </form>
    </AuthPage>
  )
}

function LinkFailedPage({ reason }: { reason: 'invalid' | 'expired' | 'used' | 'taken' }) {
  const message = reason === 'taken'
    ? 'That address now belongs to another account, so it cannot be added to yours.'
    : 'This verification link is invalid, has expired or was already used. Log in and ask for a new code.'
  return (
    <AuthPage title="We could not verify your email">
      <Notice kind="danger" message={message} />
      <p><a class="button is-primary" href="/verify-email">Get a new code</a></p>
    </AuthPage>
  )
}

/**
 * A successful verification consumes the record, then every session of the user is invalidated and — if
 * this browser was signed in as that user — a fresh one is issued (checklist 22). A changed address is
 * announced to the old one (checklist 11).
 */
async function completeVerification(c: AppContext, check: Extract<VerificationCheck, { ok: true }>, now: Date) {
  const db = c.get('db')
  const result = await applyEmailVerification(db, check.userId, check.email, now)
  if (!result.ok) {
    logAuthEvent(c, 'email.verify_failed', { userId: check.userId, reason: result.reason })
    c.status(400)
    return c.render(<LinkFailedPage reason={result.reason} />, { title: 'Verification failed' })
  }
  const user = (await getUserById(db, check.userId))!
  const signedInAsUser = c.get('user')?.id === user.id
  await invalidateUserSessions(db, user.id)
  logAuthEvent(c, 'email.verified', { userId: user.id })
  if (result.previousEmail !== null) {
    // By the link without a session, the owner of the mailbox acted; with one, the session's person(s).
    await recordAuthAudit(c, 'auth.email_changed', { ...(c.get('session') ? {} : { actorId: user.id }), targetId: user.id })
    await sendAuthEmail(c, { template: 'email-changed', to: result.previousEmail, props: { name: user.name, oldEmail: result.previousEmail, newEmail: user.email } })
  } else {
    await sendAuthEmail(c, { template: 'welcome', to: user.email, props: { name: user.name, dashboardUrl: appUrl(c, '/dashboard') } })
  }
  if (!signedInAsUser) {
    setFlash(c, 'success', 'Your email address is verified. Log in to continue.')
    return redirectAfterPost(c, '/login')
  }
  await startSession(c, user, now)
  setFlash(c, 'success', result.previousEmail ? `Your email address is now ${user.email}.` : 'Your email address is verified. Welcome!')
  return redirectAfterPost(c, '/dashboard')
}

export async function sendVerificationEmail(c: AppContext, user: Pick<User, 'id' | 'name'>, email: string, now: Date) {
  const verification = await createEmailVerification(c.get('db'), user.id, email, now)
  await sendAuthEmail(c, {
    template: 'verify-email',
    to: email,
    props: { name: user.name, code: verification.code, verifyUrl: appUrl(c, `/verify-email?token=${verification.token}`), expiresInMinutes: VERIFICATION_TTL_MINUTES },
  })
}

export const verifyEmailRoutes = new Hono<AppEnv>()
  .get('/verify-email', async (c) => {
    const token = c.req.query('token')
    if (token !== undefined) return c.render(<ConfirmLinkPage token={token} />, { title: 'Confirm your email' })
    const user = c.get('user')
    if (user === null) return requireUser(c, async () => undefined) as Promise<Response>
    const pending = await getPendingVerification(c.get('db'), user.id)
    if (user.emailVerifiedAt !== null && pending === null) {
      return c.render(<AuthPage title="Your email is verified"><p><a class="button is-primary" href="/dashboard">Go to your dashboard</a></p></AuthPage>, { title: 'Email verified' })
    }
    return c.render(<VerifyPage email={pending?.email ?? user.email} />, { title: 'Verify your email' })
  })
  .post('/verify-email', formBodyLimit(), async (c) => {
    const form = await readForm(c)
    const now = new Date()
    if (form.token !== undefined) {
      const check = await checkVerificationToken(c.get('db'), form.token, now)
      if (!check.ok) {
        logAuthEvent(c, 'email.verify_failed', { reason: check.reason })
        c.status(400)
        return c.render(<LinkFailedPage reason={check.reason} />, { title: 'Verification failed' })
      }
      return completeVerification(c, check, now)
    }
    const user = c.get('user')
    if (user === null) return requireUser(c, async () => undefined) as Promise<Response>
    const pending = await getPendingVerification(c.get('db'), user.id)
    const email = pending?.email ?? user.email
    const fail = (status: 422 | 429, error: string) =>
      respondWithForm(c, status, <CodeForm error={error} />, <VerifyPage email={email} error={error} />, 'Verify your email')
    // About 10 guesses an hour per user (checklist 20, ASVS 6.6.3): 10^8 codes stay out of reach.
    const throttle = await consumeBucket(c.env, `verify:${user.id}`, VERIFY_CODE_LIMIT, now)
    if (!throttle.allowed) return fail(429, throttleMessage(throttle.retryAfterSeconds))
    const check = await checkVerificationCode(c.get('db'), user.id, (form.code ?? '').trim(), now)
    if (!check.ok) {
      logAuthEvent(c, 'email.verify_failed', { userId: user.id, reason: check.reason })
      return fail(422, check.reason === 'expired'
        ? 'This code has expired. Send a new code and use the latest email.'
        : 'That code is not right. Use the 8-digit code from the latest email.')
    }
    return completeVerification(c, check, now)
  })
  .post('/verify-email/resend', requireUser, formBodyLimit(), async (c) => {
    const user = c.get('user')!
    const pending = await getPendingVerification(c.get('db'), user.id)
    if (user.emailVerifiedAt !== null && pending === null) return redirectAfterPost(c, '/dashboard')
    // Three mails per ten minutes (checklist 20; the lucia example's limit).
    const now = new Date()
    const throttle = await consumeBucket(c.env, `resend:${user.id}`, VERIFY_RESEND_LIMIT, now)
    if (!throttle.allowed) {
      c.status(429)
      return c.render(<VerifyPage email={pending?.email ?? user.email} error={throttleMessage(throttle.retryAfterSeconds)} />, { title: 'Verify your email' })
    }
    const email = pending?.email ?? user.email
    await sendVerificationEmail(c, user, email, now)
    setFlash(c, 'success', `We sent a new code to ${email}.`)
    return redirectAfterPost(c, '/verify-email')
  })
