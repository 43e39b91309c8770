import { Hono } from 'hono'
import { Field, FormErrorSummary, type FieldErrors, Notice } from '../../platform/components'
import type { AppEnv } from '../../platform/types'
import { clientIp, formBodyLimit, parseForm, readForm, redirectAfterPost, respondWithForm } from '../../platform/forms'
import { logAuthEvent } from '../log'
import { consumeBucket, throttleMessage } from '../auth-throttle'
import { breachCheckFor, isPasswordBreached, passwordSchema, PASSWORD_MIN } from '../password'
import { startSession } from '../session'
import { createUser, emailSchema, nameSchema } from '../user'
import { z } from 'zod'
import { AuthPage, SignInOptions, SubmitButton } from '../views/components'
import { sendVerificationEmail } from './verify-email'

type Values = Partial<Record<'name' | 'email', string>>

const signupSchema = z.object({ name: nameSchema, email: emailSchema, password: passwordSchema })
// Each address may create a handful of accounts an hour: enough for a family, not for enumeration.
export const SIGNUP_IP_LIMIT = { max: 20, windowSeconds: 60 * 60 }

export const BREACHED_MESSAGE = 'This password has appeared in a known data breach. Please choose a different one.'

function SignupForm({ values = {}, errors = {}, notice }: { values?: Values; errors?: FieldErrors; notice?: string }) {
  return (
    <form id="signup-form" method="post" action="/signup" hx-post="/signup" hx-target="this" hx-swap="outerHTML" novalidate>
      <Notice kind="danger" message={notice} />
      <FormErrorSummary errors={errors} />
      <Field name="name" label="Name" value={values.name} error={errors.name} required maxlength={100} autocomplete="name" />
      <Field name="email" label="Email" type="email" value={values.email} error={errors.email} required maxlength={254} autocomplete="email" />
      <Field name="password" label="Password" type="password" error={errors.password} required minlength={PASSWORD_MIN} autocomplete="new-password"
        help={`At least ${PASSWORD_MIN} characters. Spaces and any characters are fine; a long passphrase is best.`} />
      <SubmitButton label="Create account" />
      <p>Already have an account? <a href="/login">Log in</a>.</p>
    </form>
  )
}

function SignupPage(props: { values?: Values; errors?: FieldErrors; notice?: string }) {
  return (
    <AuthPage title="Create your account" subtitle="Start in a minute. We will send you a code to confirm your email.">
      <SignupForm {...props} />
      <SignInOptions page="signup" next="/dashboard" />
    </AuthPage>
  )
}

export const signupRoutes = new Hono<AppEnv>()
  .get('/signup', (c) => (c.get('user') ? c.redirect('/dashboard', 303) : c.render(<SignupPage />, { title: 'Sign up' })))
  .post('/signup', formBodyLimit(), async (c) => {
    const form = await readForm(c)
    const values: Values = { name: form.name, email: form.email }
    const fail = (status: 422 | 429, errors: FieldErrors, notice?: string) =>
      respondWithForm(c, status, <SignupForm values={values} errors={errors} notice={notice} />, <SignupPage values={values} errors={errors} notice={notice} />, 'Sign up')

    const parsed = parseForm(signupSchema, form)
    if (!parsed.ok) return fail(422, parsed.errors)
    const now = new Date()
    const throttle = await consumeBucket(c.env, `signup-ip:${clientIp(c)}`, SIGNUP_IP_LIMIT, now)
    if (!throttle.allowed) return fail(429, {}, throttleMessage(throttle.retryAfterSeconds))
    if (await isPasswordBreached(parsed.data.password, breachCheckFor(c))) return fail(422, { password: BREACHED_MESSAGE })

    const db = c.get('db')
    const user = await createUser(db, parsed.data)
    // The sign-up form must say that the address is taken; nothing else reveals it, and nothing changes.
    if (user === null) return fail(422, { email: 'An account with this email already exists. Log in, or reset your password.' })

    await sendVerificationEmail(c, user, user.email, now)
    await startSession(c, user, now)
    logAuthEvent(c, 'signup', { userId: user.id })
    return redirectAfterPost(c, '/verify-email')
  })
