import { Hono } from 'hono'
import { isAdminTwoFactorRequired, isTwoFactorEnabled, recordAuthAudit, setAdminTwoFactorRequired } from '../auth'
import { renderError } from '../platform/errors'
import type { AdminPanel } from '../platform/feature'
import { setFlash } from '../platform/flash'
import { formBodyLimit, readForm, redirectAfterPost } from '../platform/forms'
import type { AppEnv } from '../platform/types'
import { ADMIN_FORM_MAX_BYTES, adminGate, adminThrottle } from './http'

// "Require two-factor for admins" (issue 22): auth owns the setting and enforces it in requireAdmin; the
// admin area shows and switches it behind the same gate (no-store, requireAdmin) and throttle as every
// other admin action.
export const REQUIRE_ADMIN_2FA_PATH = '/admin/settings/require-two-factor'
export const ADMIN_WITHOUT_2FA = 'Turn on two-factor for your own account first, so that requiring it does not lock you out.'

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

export const authSettingsRoutes = new Hono<AppEnv>()
  .post(REQUIRE_ADMIN_2FA_PATH, ...adminGate, adminThrottle, formBodyLimit({ maxSize: ADMIN_FORM_MAX_BYTES }), async (c) => {
    const admin = c.get('user')!
    const now = new Date()
    const value = (await readForm(c)).required
    if (value !== 'true' && value !== 'false') return renderError(c, { status: 422, title: 'Unknown setting', message: 'Choose to require two-factor or not.' })
    const db = c.get('db')
    const required = value === 'true'
    // Turning it on without two-factor of one's own would send this admin out of the admin area at once.
    if (required && !(await isTwoFactorEnabled(db, admin.id))) {
      setFlash(c, 'danger', ADMIN_WITHOUT_2FA)
      return redirectAfterPost(c, '/admin')
    }
    await setAdminTwoFactorRequired(db, required, admin.id, now)
    await recordAuthAudit(c, 'admin.require_admin_2fa_changed', { detail: { required } })
    setFlash(c, 'success', required ? 'Two-factor is now required for admins.' : 'Two-factor is no longer required for admins.')
    return redirectAfterPost(c, '/admin')
  })
