import { and, eq } from 'drizzle-orm'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { withDb } from '../helpers/db'
import { request } from '../helpers/http'
import { waitForMail } from '../helpers/mail'
import { PASSWORD, createTestUser, get, loginCookie, mockHibp, post, sessionCookieFrom } from '../auth/helpers'
import { KEY, api, createKey } from './helpers'
import { auditRowsAbout, signedInAdmin } from '../admin/helpers'
import { createPasswordResetToken } from '../../src/auth/password-reset'
import { emailDeliveries } from '../../src/email/schema'
import { apiKeys } from '../../src/usage/schema'

// Issue 19, findings 2, 3 and 7 (checklist 35): an API key is a credential of the account. It ends with
// the account's security events, cannot be made or revoked by an admin acting as the user, and every
// creation and revocation is an audit row.
vi.setConfig({ testTimeout: 60_000 })
beforeEach(() => { mockHibp() })
afterEach(() => vi.restoreAllMocks())

const NEW_PASSWORD = 'a brand new passphrase'



/** The API's own 401: JSON error shape, Bearer challenge, request id. */
async function expectKeyRefused(key: string) {
  const res = await api('/api/v1/usage', key)
  expect(res.status).toBe(401)
  expect(res.headers.get('content-type')).toContain('application/json')
  expect(res.headers.get('www-authenticate')).toContain('Bearer')
  const body = await res.json() as { error: { code: string; message: string; request_id: string } }
  expect(body.error.code).toBe('invalid_api_key')
  expect(body.error.message.length).toBeGreaterThan(0)
  expect(body.error.request_id).toBe(res.headers.get('x-request-id'))
}

function revokedMails(to: string) {
  return withDb((db) => db.select().from(emailDeliveries).where(and(eq(emailDeliveries.recipient, to), eq(emailDeliveries.template, 'credentials-revoked'))))
}

function keysOf(userId: string) {
  return withDb((db) => db.select().from(apiKeys).where(eq(apiKeys.userId, userId)))
}

beforeAll(async () => { await loginCookie((await createTestUser()).email) }, 120_000)

describe('API keys end with the account’s security events (finding 2)', () => {
  it('an admin deactivating the account ends every key, for good, and the owner is told', async () => {
    const { admin, cookie: adminCookie } = await signedInAdmin()
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const first = await createKey(cookie, 'Deploy bot')
    const second = await createKey(cookie, 'Backup job')
    // Someone else's key is not touched.
    const bystander = await createTestUser()
    const otherKey = await createKey(await loginCookie(bystander.email))
    expect((await api('/api/v1/usage', first)).status).toBe(200)

    expect((await post(`/admin/users/${user.id}/deactivate`, {}, adminCookie)).status).toBe(303)
    await expectKeyRefused(first)
    await expectKeyRefused(second)
    expect((await api('/api/v1/usage', otherKey)).status).toBe(200)

    // Revoked rows, not a flag that reactivation would clear: the keys stay dead afterwards.
    expect((await keysOf(user.id)).every((k) => k.revokedAt !== null)).toBe(true)
    expect((await post(`/admin/users/${user.id}/reactivate`, {}, adminCookie)).status).toBe(303)
    await expectKeyRefused(first)

    const mail = await waitForMail(user.email, { template: 'credentials-revoked' })
    expect(mail.text).toContain('deactivated')
    expect(mail.text).toContain('Deploy bot')
    expect(mail.text).toContain(`${first.slice(0, 11)}_…`)
    expect(mail.text).not.toContain(first)

    // One audit row per ended key: the admin acted, the account is the target, no secret stored.
    const rows = await auditRowsAbout(user.id, 'usage.api_key.revoked')
    expect(rows).toHaveLength(2)
    for (const row of rows) {
      expect(row).toMatchObject({ actorId: admin.id, targetType: 'user', targetId: user.id })
      expect(row.detail).toMatchObject({ reason: 'deactivated' })
    }
    expect(rows.map((r) => (r.detail as { prefix: string }).prefix).sort()).toEqual([first.slice(3, 11), second.slice(3, 11)].sort())
    expect(JSON.stringify(rows)).not.toContain(first.slice(12))
  })

  it('a password reset ends every key, and the owner is told', async () => {
    const user = await createTestUser()
    const key = await createKey(await loginCookie(user.email))
    expect((await api('/api/v1/usage', key)).status).toBe(200)
    const { token } = await withDb((db) => createPasswordResetToken(db, user.id, new Date()))

    expect((await post('/reset-password', { token, password: NEW_PASSWORD })).status).toBe(303)
    await expectKeyRefused(key)
    const mail = await waitForMail(user.email, { template: 'credentials-revoked' })
    expect(mail.text).toContain('reset')
    expect(mail.text).toContain('CI script')
    const [row] = await auditRowsAbout(user.id, 'usage.api_key.revoked')
    // Nobody was signed in: the holder of the reset link acted as the account.
    expect(row).toMatchObject({ actorId: user.id, targetId: user.id, detail: expect.objectContaining({ reason: 'password_reset' }) })
  })

  it('a password change in settings ends every key, and the owner is told', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const key = await createKey(cookie)
    expect((await api('/api/v1/usage', key)).status).toBe(200)

    const changed = await post('/settings/password', { current_password: PASSWORD, new_password: NEW_PASSWORD }, cookie)
    expect(changed.status).toBe(303)
    await expectKeyRefused(key)
    expect(await revokedMails(user.email)).toHaveLength(1)
    const mail = await waitForMail(user.email, { template: 'credentials-revoked' })
    expect(mail.text).toContain('password of your account was changed')
    // The settings page after the change says it too.
    const page = await (await get('/settings/api-keys', sessionCookieFrom(changed)!)).text()
    expect(page).toContain('Revoked')
  })

  it('an account without active keys gets no such mail', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const changed = await post('/settings/password', { current_password: PASSWORD, new_password: NEW_PASSWORD }, cookie)
    expect(changed.status).toBe(303)
    // The mail would have been queued by the request itself (its delivery row is written before the answer).
    expect(await revokedMails(user.email)).toHaveLength(0)
    expect(await auditRowsAbout(user.id, 'usage.api_key.revoked')).toHaveLength(0)
  })
})

describe('API keys and impersonation (finding 3)', () => {
  it('an admin acting as the user can neither create nor revoke a key', async () => {
    const { admin, cookie: adminCookie } = await signedInAdmin()
    const user = await createTestUser()
    const ownKey = await createKey(await loginCookie(user.email))
    const [own] = await keysOf(user.id)
    const started = await post(`/admin/users/${user.id}/impersonate`, { password: PASSWORD }, adminCookie)
    expect(started.status).toBe(303)
    const asUser = sessionCookieFrom(started)!

    // Looking is allowed (support), changing is not.
    expect((await get('/settings/api-keys', asUser)).status).toBe(200)
    const create = await post('/settings/api-keys', { name: 'lasting access' }, asUser)
    expect(create.status).toBe(403)
    const html = await create.text()
    expect(html).toContain('only for its owner')
    expect(html).not.toMatch(KEY)
    const fragment = await post('/settings/api-keys', { name: 'lasting access' }, asUser, { htmx: true })
    expect(fragment.status).toBe(403)
    expect(await fragment.text()).not.toContain('<html')
    expect((await post(`/settings/api-keys/${own!.id}/revoke`, {}, asUser)).status).toBe(403)

    expect(await keysOf(user.id)).toHaveLength(1)
    expect((await api('/api/v1/usage', ownKey)).status).toBe(200)
    const rows = await auditRowsAbout(user.id)
    expect(rows.filter((r) => r.actorId === admin.id && r.action.startsWith('usage.api_key'))).toEqual([])
  })
})

describe('key creation and revocation are audited (finding 7)', () => {
  it('names the actor, the account, the key id, prefix and name, never the secret', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const key = await createKey(cookie, 'Nightly export')
    const [row] = await keysOf(user.id)
    const [created] = await auditRowsAbout(user.id, 'usage.api_key.created')
    expect(created).toMatchObject({ actorId: user.id, onBehalfOfId: null, targetType: 'user', targetId: user.id })
    expect(created!.detail).toEqual({ id: row!.id, prefix: row!.prefix, name: 'Nightly export' })

    expect((await post(`/settings/api-keys/${row!.id}/revoke`, {}, cookie)).status).toBe(303)
    const [revoked] = await auditRowsAbout(user.id, 'usage.api_key.revoked')
    expect(revoked).toMatchObject({ actorId: user.id, targetId: user.id })
    expect(revoked!.detail).toMatchObject({ id: row!.id, prefix: row!.prefix, name: 'Nightly export', reason: 'revoked_by_user' })
    const secret = key.slice(12)
    expect(JSON.stringify([created, revoked])).not.toContain(secret)
    // A refused revocation (someone else's or unknown key) changes nothing and records nothing new.
    expect((await post(`/settings/api-keys/${row!.id}/revoke`, {}, cookie)).status).toBe(404)
    expect(await auditRowsAbout(user.id, 'usage.api_key.revoked')).toHaveLength(1)
  })
})
