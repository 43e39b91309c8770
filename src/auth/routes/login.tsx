import { Hono } from 'hono'
import { Field, Notice } from '../../platform/components'
import { setFlash } from '../../platform/flash'
import type { AppEnv } from '../../platform/types'
import { recordAuthAudit } from '../audit'
import { clientIp, formBodyLimit, readForm, redirectAfterPost, respondWithForm } from '../../platform/forms'
import { logAuthEvent } from '../log'
import { consumeDelays, LOGIN_ACCOUNT_DELAYS, LOGIN_IP_DELAYS, refundDelay, resetThrottle, throttleMessage } from '../auth-throttle'
import { burnPasswordCheck, hashPassword, needsRehash, PASSWORD_MAX, verifyPassword } from '../password'
import { safeNextPath } from '../redirect'
import { deleteSessionCookie, invalidateSession } from '../session'
import { completeSignIn, signInRefusal } from '../sign-in'
import { getUserByEmail, normaliseEmail, updateUserPasswordHash } from '../user'
import { AuthPage, SignInOptions, SubmitButton } from '../views/components'

// Generic on purpose (checklist 18): never say which of the two was wrong.
export const LOGIN_FAILED = 'Incorrect email or password.'
export { ACCOUNT_DEACTIVATED, ACCOUNT_DELETING } from '../sign-in'

function LoginForm({ email, next, error, status }: { email?: string; next: string; error?: string; status?: string }) {
  const action = next === '/dashboard' ? '/login' : `/login?next=${encodeURIComponent(next)}`
  return (
    <form id="login-form" method="post" action={action} hx-post={action} hx-target="this" hx-swap="outerHTML" novalidate>
      <Notice kind="danger" message={error} />
      <Notice kind="info" message={status} />
      <Field name="email" label="Email" type="email" value={email} required maxlength={254} autocomplete="username webauthn" />
      <Field name="password" label="Password" type="password" required autocomplete="current-password" />
      <SubmitButton label="Log in" />
      <p><a href="/forgot-password">Forgot your password?</a> · No account yet? <a href="/signup">Sign up</a>.</p>
    </form>
  )
}

function LoginPage(props: { email?: string; next: string; error?: string; status?: string }) {
  return (
    <AuthPage title="Log in">
      <LoginForm {...props} />
      <SignInOptions page="login" next={props.next} />
    </AuthPage>
  )
}

export const loginRoutes = new Hono<AppEnv>()
  .get('/login', (c) => {
    const next = safeNextPath(c.req.query('next'))
    if (c.get('user')) return c.redirect(next, 303)
    return c.render(<LoginPage next={next} />, { title: 'Log in' })
  })
  .post('/login', formBodyLimit(), async (c) => {
    const form = await readForm(c)
    const next = safeNextPath(c.req.query('next') ?? form.next)
    const email = normaliseEmail(form.email ?? '')
    const password = form.password ?? ''
    const fail = (status: 401 | 403 | 422 | 429, error: string) =>
      respondWithForm(c, status, <LoginForm email={form.email} next={next} error={error} />, <LoginPage email={form.email} next={next} error={error} />, 'Log in')

    if (email === '' || password === '') return fail(422, 'Enter your email and password.')
    // No stored password can be longer than the policy allows: a 10 kB one is refused before any hashing.
    if (email.length > 254 || [...password].length > PASSWORD_MAX) return fail(422, LOGIN_FAILED)

    // Consumed before the password is checked, so parallel guesses are counted exactly (checklist 23, 24).
    const ipKey = `ip:${clientIp(c)}`
    const acctKey = `acct:${email}`
    const now = new Date()
    const throttle = await consumeDelays(c.env, [ipKey, acctKey], (key) => (key === ipKey ? LOGIN_IP_DELAYS : LOGIN_ACCOUNT_DELAYS), now)
    if (!throttle.allowed) {
      logAuthEvent(c, 'login.throttled', { reason: `retry in ${throttle.retryAfterSeconds}s` })
      c.header('Retry-After', String(throttle.retryAfterSeconds))
      return fail(429, throttleMessage(throttle.retryAfterSeconds))
    }

    const db = c.get('db')
    const user = await getUserByEmail(db, email)
    if (user === null) {
      await burnPasswordCheck(password)
      logAuthEvent(c, 'login.failure', { reason: 'unknown email' })
      await recordAuthAudit(c, 'auth.login_failed', { actorId: null, detail: { reason: 'unknown email' } })
      return fail(401, LOGIN_FAILED)
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      logAuthEvent(c, 'login.failure', { userId: user.id, reason: 'wrong password' })
      await recordAuthAudit(c, 'auth.login_failed', { actorId: null, targetId: user.id, detail: { reason: 'wrong password' } })
      return fail(401, LOGIN_FAILED)
    }
    // The account ladder starts over; the IP ladder only gets this attempt's slot back, so logging into an
    // account of one's own between guesses does not clear the failures from that address (checklist 23).
    await Promise.all([resetThrottle(c.env, [acctKey]), refundDelay(c.env, ipKey)])
    // The right password: the ladders count it as a success, then the account is refused.
    const refusal = signInRefusal(user)
    if (refusal) {
      logAuthEvent(c, 'login.failure', { userId: user.id, reason: refusal.reason })
      await recordAuthAudit(c, 'auth.login_failed', { actorId: null, targetId: user.id, detail: { reason: refusal.reason } })
      return fail(403, refusal.message)
    }
    // Parameters raised since this hash was made: upgrade it now that we hold the plaintext (ADR 0020).
    if (user.passwordHash !== null && needsRehash(user.passwordHash)) await updateUserPasswordHash(db, user.id, await hashPassword(password))
    // The session (or, with two-factor codes on, the code step) and its audit row: one path for every method.
    return completeSignIn(c, user, 'password', next, now)
  })
  // POST only: a GET must never change state (checklist 13), and the CSRF middleware guards POSTs.
  .post('/logout', formBodyLimit(), async (c) => {
    const session = c.get('session')
    if (session) {
      await invalidateSession(c.get('db'), session.id)
      logAuthEvent(c, 'logout', { userId: session.userId })
      // Logging out ends an impersonation as surely as "Return to my admin account": on the record, with
      // the admin as actor and the user on whose behalf (issue 19, finding 7; ADR 0061).
      if (session.impersonatorId) await recordAuthAudit(c, 'admin.impersonation.ended', { targetId: session.userId, detail: { reason: 'logout' } })
    }
    deleteSessionCookie(c)
    setFlash(c, 'info', 'You have been logged out.')
    return redirectAfterPost(c, '/')
  })
