import { Hono } from 'hono'
import { renderError } from '../platform/errors'
import type { AdminPanel, SettingsSection } from '../platform/feature'
import { setFlash } from '../platform/flash'
import { formBodyLimit, readForm, redirectAfterPost } from '../platform/forms'
import { configOf, type AppEnv } from '../platform/types'
import { recordAuthAudit } from './audit'
import { consumeBucket, throttleMessage } from './auth-throttle'
import { requireAdmin } from './guards'
import { getTwoFactorState, type TwoFactorState } from './two-factor'
import { twoFactorConfigured } from './two-factor-keys'
import { isAdminTwoFactorRequired, setAdminTwoFactorRequired } from './two-factor-policy'
import { TwoFactorSection } from './views/two-factor'

export const REQUIRE_ADMIN_2FA_PATH = '/admin/settings/require-two-factor'
export const ADMIN_WITHOUT_2FA = 'Turn on two-factor for your own account first, so that requiring it does not lock you out.'
// The same brake as the admin area's other actions: plenty for a person, little for a stolen session.
const SETTING_LIMIT = { max: 20, windowSeconds: 60 }

/** Two-factor on /settings (issue 22): auth contributes it like any feature's section. */
export const twoFactorSettingsSection: SettingsSection<TwoFactorState> = {
  id: 'two-factor',
  title: 'Two-factor authentication',
  order: 10,
  load: (db, user) => getTwoFactorState(db, user.id),
  render: (state, c) => <TwoFactorSection state={state} hasPassword={(c.get('user')?.passwordHash ?? null) !== null} configured={twoFactorConfigured(configOf(c))} />,
}

/** The admin overview's switch for "require two-factor for admins"; auth owns the setting. */
export const adminTwoFactorPanel: AdminPanel<boolean> = {
  id: 'admin-two-factor',
  title: 'Two-factor for admins',
  order: 13,
  load: (db) => isAdminTwoFactorRequired(db),
  render: (required) => (
    <form id="require-admin-2fa-form" method="post" action={REQUIRE_ADMIN_2FA_PATH}>
      <p class="mb-3">{required
        ? 'Required: an admin without two-factor codes is sent to turn them on before any admin page.'
        : 'Not required: admins may sign in with a password alone.'}</p>
      <input type="hidden" name="required" value={required ? 'false' : 'true'} />
      <button class={`button ${required ? 'is-light' : 'is-primary'}`} type="submit">{required ? 'Stop requiring two-factor' : 'Require two-factor for admins'}</button>
    </form>
  ),
}

export const twoFactorAdminRoutes = new Hono<AppEnv>()
  .post('/admin/settings/require-two-factor', requireAdmin, formBodyLimit(), async (c) => {
    const admin = c.get('user')!
    const now = new Date()
    const decision = await consumeBucket(c.env, `admin-auth-settings:${admin.id}`, SETTING_LIMIT, now)
    if (!decision.allowed) {
      c.header('Retry-After', String(decision.retryAfterSeconds))
      return renderError(c, { status: 429, title: 'Too many actions', message: throttleMessage(decision.retryAfterSeconds) })
    }
    const value = (await readForm(c)).required
    if (value !== 'true' && value !== 'false') return renderError(c, { status: 422, title: 'Unknown setting', message: 'Choose to require two-factor or not.' })
    const db = c.get('db')
    const required = value === 'true'
    // Turning it on without two-factor of one's own would send this admin out of the admin area at once.
    if (required && (await getTwoFactorState(db, admin.id)).enabledAt === null) {
      setFlash(c, 'danger', ADMIN_WITHOUT_2FA)
      return redirectAfterPost(c, '/admin')
    }
    await setAdminTwoFactorRequired(db, required, admin.id, now)
    await recordAuthAudit(c, 'admin.require_admin_2fa_changed', { detail: { required } })
    setFlash(c, 'success', required ? 'Two-factor is now required for admins.' : 'Two-factor is no longer required for admins.')
    return redirectAfterPost(c, '/admin')
  })
