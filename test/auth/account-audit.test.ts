import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PASSWORD, createTestUser, loginCookie, mockHibp, post, sessionCookieFrom } from './helpers'
import { auditRowsAbout, auditRowsBy, signedInAdmin } from '../admin/helpers'

// Issue 19, finding 7: the security events that wrote no audit row (ADR 0060).
vi.setConfig({ testTimeout: 60_000 })
beforeEach(() => { mockHibp() })
afterEach(() => vi.restoreAllMocks())

describe('audit rows for account events', () => {
  it('deleting one’s own account is recorded (the row outlives the user)', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    expect((await post('/settings/delete', { delete_current_password: PASSWORD }, cookie)).status).toBe(303)
    const [row] = await auditRowsAbout(user.id, 'auth.account_deleted')
    expect(row).toMatchObject({ actorId: user.id, onBehalfOfId: null, targetType: 'user', targetId: user.id })
    expect(row!.ip).toMatch(/^10\./)
  })

  it('a wrong password at re-authentication is recorded, for every step that asks for it', async () => {
    const steps: Array<[string, Record<string, string>]> = [
      ['/settings/password', { current_password: 'not my password', new_password: 'a brand new passphrase' }],
      ['/settings/email', { email: `new-${crypto.randomUUID().slice(0, 8)}@example.com`, email_current_password: 'not my password' }],
      ['/settings/delete', { delete_current_password: 'not my password' }],
    ]
    // One account per step: the re-authentication ladder would slow a third try on one account (429).
    for (const [path, fields] of steps) {
      const user = await createTestUser()
      expect((await post(path, fields, await loginCookie(user.email))).status, path).toBe(401)
      const rows = await auditRowsAbout(user.id, 'auth.reauth_failed')
      expect(rows, path).toHaveLength(1)
      expect(rows[0]).toMatchObject({ actorId: user.id, targetType: 'user', targetId: user.id, detail: { path } })
      expect(JSON.stringify(rows)).not.toContain('not my password')
    }
  })

  it('a wrong password before impersonating is recorded against the admin', async () => {
    const { admin, cookie } = await signedInAdmin()
    const user = await createTestUser()
    expect((await post(`/admin/users/${user.id}/impersonate`, { password: 'not my password' }, cookie)).status).toBe(401)
    const [row] = await auditRowsBy(admin.id, 'auth.reauth_failed')
    expect(row).toMatchObject({ actorId: admin.id, targetId: admin.id, detail: { path: `/admin/users/${user.id}/impersonate` } })
  })

  it('logging out while impersonating ends the impersonation on the record, naming both people', async () => {
    const { admin, cookie } = await signedInAdmin()
    const user = await createTestUser()
    const started = await post(`/admin/users/${user.id}/impersonate`, { password: PASSWORD }, cookie)
    const asUser = sessionCookieFrom(started)!
    expect((await post('/logout', {}, asUser)).status).toBe(303)
    const [row] = await auditRowsBy(admin.id, 'admin.impersonation.ended')
    expect(row).toMatchObject({ actorId: admin.id, onBehalfOfId: user.id, targetType: 'user', targetId: user.id, detail: { reason: 'logout' } })
    // A plain logout is no impersonation event.
    const plain = await createTestUser()
    expect((await post('/logout', {}, await loginCookie(plain.email))).status).toBe(303)
    expect(await auditRowsAbout(plain.id, 'admin.impersonation.ended')).toEqual([])
  })
})
