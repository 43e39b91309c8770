import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { Hono } from 'hono'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { authFeature } from '../../src/auth'
import { ADMIN_TWO_FACTOR_REQUIRED, loadSession, requireAdmin } from '../../src/auth/guards'
import { ADMIN_WITHOUT_2FA, authSettingsRoutes } from '../../src/admin/auth-settings'
import { isAdminTwoFactorRequired } from '../../src/auth/two-factor-policy'
import type { Database } from '../../src/platform/db'
import { composeRegistry } from '../../src/platform/feature'
import { layoutRenderer } from '../../src/platform/layout'
import { database, requestContext } from '../../src/platform/middleware'
import type { AppEnv } from '../../src/platform/types'
import { auditRowsBy, signedInAdmin } from './helpers'
import { withDb } from '../helpers/db'
import { createTestUser, get, loginCookie, mockHibp, post } from '../auth/helpers'
import { enrolTwoFactor, flashOf } from '../auth/two-factor-helpers'

vi.setConfig({ testTimeout: 60_000 })
beforeEach(() => { mockHibp() })
afterEach(() => vi.restoreAllMocks())

const PATH = '/admin/settings/require-two-factor'

/*
 * The setting is site-wide and other test files run beside this one against the same database, so it is
 * only ever turned on inside a transaction that is rolled back: the real guard and route run in a small
 * app whose requests use that transaction as their database.
 */
let tx: Database | null = null
const app = new Hono<AppEnv>()
  .use(requestContext, layoutRenderer, database, async (c, next) => {
    if (tx) c.set('db', tx)
    // Auth's own contributions: its viewer field answers the guard from the session query.
    c.set('registry', composeRegistry([authFeature]))
    await next()
  }, loadSession)
  .route('/', authSettingsRoutes)
  .get('/admin-only', requireAdmin, (c) => c.text('admin area'))

async function call(path: string, cookie: string, init: RequestInit = {}) {
  const ctx = createExecutionContext()
  const headers = new Headers(init.headers)
  headers.set('cookie', cookie)
  const res = await app.request(path, { ...init, headers }, env, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

class RolledBack extends Error {}
async function rolledBack(fn: (db: Database) => Promise<void>): Promise<void> {
  await withDb((db) => db.transaction(async (t) => {
    tx = t as unknown as Database
    try { await fn(tx) } finally { tx = null }
    throw new RolledBack()
  })).catch((err: unknown) => { if (!(err instanceof RolledBack)) throw err })
}

const form = (fields: Record<string, string>) => ({ method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } })

describe('require two-factor for admins', () => {
  it('an admin without two-factor of their own cannot turn it on (they would lock themselves out)', async () => {
    const { cookie } = await signedInAdmin()
    await rolledBack(async (db) => {
      const res = await call(PATH, cookie, form({ required: 'true' }))
      expect(res.status).toBe(303)
      expect(flashOf(res)).toContain(ADMIN_WITHOUT_2FA)
      expect(await isAdminTwoFactorRequired(db)).toBe(false)
    })
  })

  it('once on, an admin without two-factor is sent to turn it on before any admin page; one with it goes in', async () => {
    const { admin: enrolled, cookie: enrolledCookie } = await signedInAdmin()
    await enrolTwoFactor(enrolled.id)
    const { cookie: plainCookie } = await signedInAdmin()
    await rolledBack(async (db) => {
      const on = await call(PATH, enrolledCookie, form({ required: 'true' }))
      expect(on.status).toBe(303)
      expect(await isAdminTwoFactorRequired(db)).toBe(true)
      expect(await (await call('/admin-only', enrolledCookie)).text()).toBe('admin area')
      const sent = await call('/admin-only', plainCookie)
      expect(sent.status).toBe(303)
      expect(sent.headers.get('location')).toBe('/settings#two-factor')
      expect(flashOf(sent)).toContain(ADMIN_TWO_FACTOR_REQUIRED)
      const hx = await call('/admin-only', plainCookie, { headers: { 'hx-request': 'true' } })
      expect(hx.headers.get('hx-redirect')).toBe('/settings#two-factor')
    })
  })

  it('turning it off through the real worker is audited with the admin as actor; the overview shows the switch', async () => {
    const { admin, cookie } = await signedInAdmin()
    expect(await (await get('/admin', cookie)).text()).toContain(`action="${PATH}"`)
    const res = await post(PATH, { required: 'false' }, cookie)
    expect(res.status).toBe(303)
    const [row] = await auditRowsBy(admin.id, 'admin.require_admin_2fa_changed')
    expect(row!.detail).toEqual({ required: false })
  })

  it('refuses users (403), other origins (403), unknown values (422) and oversized bodies (413)', async () => {
    const user = await createTestUser()
    expect((await post(PATH, { required: 'true' }, await loginCookie(user.email))).status).toBe(403)
    const { cookie } = await signedInAdmin()
    expect((await post(PATH, { required: 'true' }, cookie, { headers: { origin: 'https://evil.example' } })).status).toBe(403)
    expect((await post(PATH, { required: 'maybe' }, cookie)).status).toBe(422)
    expect((await post(PATH, { required: 'x'.repeat(70 * 1024) }, cookie)).status).toBe(413)
    expect(await withDb((db) => isAdminTwoFactorRequired(db))).toBe(false)
  })
})
