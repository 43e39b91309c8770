import { Hono } from 'hono'
import type { Child } from 'hono/jsx'
import { setFlash } from '../../platform/flash'
import { formBodyLimit, readForm, redirectAfterPost, respondWithForm, type FormFields } from '../../platform/forms'
import { configOf, type AppContext, type AppEnv } from '../../platform/types'
import { recordAuthAudit } from '../audit'
import { resetThrottle, throttleMessage } from '../auth-throttle'
import { refuseWhileImpersonating, requireUser } from '../guards'
import { logAuthEvent } from '../log'
import { sendSecurityNotice } from '../mail'
import { reauthenticate } from '../reauth'
import type { User } from '../schema'
import { confirmTotpEnrolment, disableTwoFactor, readEnrolmentKey, regenerateRecoveryCodes, startTotpEnrolment, useSecondFactor } from '../two-factor'
import { isTotpCodeShape, manualEntryKey, readCodeInput, totpKeyUri } from '../two-factor-codes'
import { twoFactorConfigured } from '../two-factor-keys'
import { RecoveryCodesPage, TwoFactorFormPage, TwoFactorReauthForm, TwoFactorSetupPage } from '../views/two-factor'
import { codeThrottleKey, consumeCodeAttempt } from './two-factor-login'

type Refusal = { status: 401 | 422 | 429; errors: { form?: string; password?: string; code?: string } }
type ReauthForm = { id: string; action: string; label: string; title: string; askCode: boolean; danger?: boolean }

const START: ReauthForm = { id: 'two-factor-start', action: '/settings/two-factor/start', label: 'Turn on two-factor', title: 'Turn on two-factor', askCode: false }
const RECOVERY: ReauthForm = { id: 'two-factor-recovery', action: '/settings/two-factor/recovery-codes', label: 'New recovery codes', title: 'New recovery codes', askCode: true }
const DISABLE: ReauthForm = { id: 'two-factor-disable', action: '/settings/two-factor/disable', label: 'Turn off two-factor', title: 'Turn off two-factor', askCode: true, danger: true }

/**
 * Proof that the person at the keyboard owns the account before its two-factor setup changes (checklist
 * 11): the current password when it has one (provider-made accounts have none), and for a working setup a
 * current code or a recovery code, so a stolen session alone can neither switch it off nor read new
 * recovery codes. The code checks share the account's code ladder with the sign-in step.
 */
async function confirmOwner(c: AppContext, user: User, form: FormFields, spec: ReauthForm, now: Date): Promise<Refusal | null> {
  if (user.passwordHash !== null) {
    const denied = await reauthenticate(c, user, form[`${spec.id}-password`] ?? '')
    if (denied) return { status: denied.status, errors: { password: denied.message } }
  }
  if (!spec.askCode) return null
  const code = readCodeInput(form[`${spec.id}-code`])
  if (code === null) return { status: 422, errors: { code: 'Enter a current code from your app or a recovery code.' } }
  const throttle = await consumeCodeAttempt(c, user.id, now)
  if (!throttle.allowed) {
    c.header('Retry-After', String(throttle.retryAfterSeconds))
    return { status: 429, errors: { form: throttleMessage(throttle.retryAfterSeconds) } }
  }
  if ((await useSecondFactor(c.get('db'), configOf(c), user.id, code, now)) === null) {
    logAuthEvent(c, 'access.denied', { userId: user.id, reason: 'wrong two-factor code', path: c.req.path })
    await recordAuthAudit(c, 'auth.reauth_failed', { targetId: user.id, detail: { path: c.req.path } })
    return { status: 401, errors: { code: 'That code is not right.' } }
  }
  await resetThrottle(c.env, [codeThrottleKey(user.id)])
  return null
}

function refused(c: AppContext, spec: ReauthForm, user: User, { status, errors }: Refusal) {
  const form = <TwoFactorReauthForm id={spec.id} action={spec.action} label={spec.label} danger={spec.danger} hasPassword={user.passwordHash !== null} askCode={spec.askCode} errors={errors} />
  return respondWithForm(c, status, form, <TwoFactorFormPage title={spec.title}>{form}</TwoFactorFormPage>, spec.title)
}

// Shown once: never stored by a cache or the browser's history of pages.
function showRecoveryCodes(c: AppContext, page: Child, title: string) {
  c.header('Cache-Control', 'no-store')
  return c.render(page as string, { title, noindex: true })
}

// The key is on this page: like the recovery codes, never kept by a cache.
function renderSetup(c: AppContext, user: User, key: Uint8Array, error?: string) {
  c.header('Cache-Control', 'no-store')
  return c.render(<TwoFactorSetupPage keyUri={totpKeyUri(c.env.APP_NAME, user.email, key)} manualKey={manualEntryKey(key)} error={error} />, { title: 'Turn on two-factor', noindex: true })
}

export const twoFactorSettingsRoutes = new Hono<AppEnv>()
  // The two-factor setup belongs to the person, not to support acting as them (issue 22).
  .use('/settings/two-factor/*', requireUser, refuseWhileImpersonating)
  .post('/settings/two-factor/start', formBodyLimit(), async (c) => {
    const user = c.get('user')!
    const now = new Date()
    if (!twoFactorConfigured(configOf(c))) return refused(c, START, user, { status: 422, errors: { form: 'Two-factor codes are not available on this site yet.' } })
    const denied = await confirmOwner(c, user, await readForm(c), START, now)
    if (denied) return refused(c, START, user, denied)
    if ((await startTotpEnrolment(c.get('db'), configOf(c), user.id, now)) === null) {
      setFlash(c, 'info', 'Two-factor is already on.')
      return redirectAfterPost(c, '/settings')
    }
    return redirectAfterPost(c, '/settings/two-factor/setup')
  })
  .get('/settings/two-factor/setup', async (c) => {
    const user = c.get('user')!
    const key = await readEnrolmentKey(c.get('db'), configOf(c), user.id)
    if (key === null) return c.redirect('/settings', 303)
    return renderSetup(c, user, key)
  })
  .post('/settings/two-factor/enable', formBodyLimit(), async (c) => {
    const user = c.get('user')!
    const now = new Date()
    const db = c.get('db')
    const code = readCodeInput((await readForm(c)).code) ?? ''
    const again = async (status: 401 | 422 | 429, error: string) => {
      const key = await readEnrolmentKey(db, configOf(c), user.id)
      if (key === null) return redirectAfterPost(c, '/settings')
      c.status(status)
      return renderSetup(c, user, key, error)
    }
    if (!isTotpCodeShape(code)) return again(422, 'Enter the 6-digit code from your app.')
    const throttle = await consumeCodeAttempt(c, user.id, now)
    if (!throttle.allowed) {
      c.header('Retry-After', String(throttle.retryAfterSeconds))
      return again(429, throttleMessage(throttle.retryAfterSeconds))
    }
    // Only a correct code turns it on: the app holds the key and its clock agrees with ours.
    const codes = await confirmTotpEnrolment(db, configOf(c), user.id, code, now)
    if (codes === null) return again(401, 'That code is not right.')
    await resetThrottle(c.env, [codeThrottleKey(user.id)])
    await recordAuthAudit(c, 'auth.two_factor_enabled', { targetId: user.id })
    await sendSecurityNotice(c, user, 'two_factor_enabled')
    return showRecoveryCodes(c, <RecoveryCodesPage codes={codes} title="Two-factor is on" />, 'Two-factor is on')
  })
  .post('/settings/two-factor/recovery-codes', formBodyLimit(), async (c) => {
    const user = c.get('user')!
    const now = new Date()
    const denied = await confirmOwner(c, user, await readForm(c), RECOVERY, now)
    if (denied) return refused(c, RECOVERY, user, denied)
    const codes = await regenerateRecoveryCodes(c.get('db'), user.id, now)
    if (codes === null) return redirectAfterPost(c, '/settings')
    await recordAuthAudit(c, 'auth.recovery_codes_regenerated', { targetId: user.id })
    await sendSecurityNotice(c, user, 'recovery_codes_regenerated')
    return showRecoveryCodes(c, <RecoveryCodesPage codes={codes} title="New recovery codes" />, 'New recovery codes')
  })
  .post('/settings/two-factor/disable', formBodyLimit(), async (c) => {
    const user = c.get('user')!
    const now = new Date()
    const denied = await confirmOwner(c, user, await readForm(c), DISABLE, now)
    if (denied) return refused(c, DISABLE, user, denied)
    if (await disableTwoFactor(c.get('db'), user.id)) {
      await recordAuthAudit(c, 'auth.two_factor_disabled', { targetId: user.id })
      await sendSecurityNotice(c, user, 'two_factor_disabled')
    }
    setFlash(c, 'success', 'Two-factor is off. Your password alone signs you in now.')
    return redirectAfterPost(c, '/settings')
  })
