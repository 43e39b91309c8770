import { describe, expect, it, vi } from 'vitest'
import { createTestUser, PASSWORD, post } from '../auth/helpers'
import { auditRowsBy, signedInAdmin } from './helpers'

// Admin actions aimed at the wrong account (src/admin/user-actions.tsx): no such account, no UUID, an
// account in the wrong state. Each answers with its own status and message and writes no audit row;
// actions.test.ts covers each action done right.

vi.setConfig({ testTimeout: 60_000 })

const ACTIONS = ['role', 'deactivate', 'reactivate', 'resend-verification', 'delete', 'deletion/retry', 'impersonate']

describe('admin actions on the wrong target', () => {
  it('every action answers 404 for an id that is no UUID or no account, and writes nothing', async () => {
    const { admin, cookie } = await signedInAdmin()
    const before = (await auditRowsBy(admin.id)).length // the log-in itself
    for (const id of ['not-a-uuid', crypto.randomUUID()]) {
      for (const action of ACTIONS) {
        const res = await post(`/admin/users/${id}/${action}`, { role: 'user', confirm_email: 'x@example.com', password: PASSWORD }, cookie)
        expect(res.status, `${action} on ${id}`).toBe(404)
      }
    }
    expect((await auditRowsBy(admin.id)).length).toBe(before)
  })

  it('a role that is already the role is said so, with no audit row', async () => {
    const { admin, cookie } = await signedInAdmin()
    const user = await createTestUser()
    const same = await post(`/admin/users/${user.id}/role`, { role: 'user' }, cookie)
    expect(same.status).toBe(303)
    expect(same.headers.get('location')).toBe(`/admin/users/${user.id}`)
    // The flash rides in its cookie (JSON, URL-encoded) to the next page.
    expect(decodeURIComponent(same.headers.get('set-cookie') ?? '')).toContain('"message":"The role was already user."')
    expect(await auditRowsBy(admin.id, 'admin.user.role_changed')).toEqual([])
  })

  it('a deletion retry for an account not being deleted is 409; "log in as" is refused for oneself and a deactivated account', async () => {
    const { admin, cookie } = await signedInAdmin()
    const user = await createTestUser()
    const retry = await post(`/admin/users/${user.id}/deletion/retry`, {}, cookie)
    expect(retry.status).toBe(409)
    expect(await retry.text()).toContain('This account is not being deleted; there is nothing to retry.')

    const self = await post(`/admin/users/${admin.id}/impersonate`, { password: PASSWORD }, cookie)
    expect(self.status).toBe(403)
    expect(await self.text()).toContain('You are already yourself.')
    expect((await post(`/admin/users/${user.id}/deactivate`, {}, cookie)).status).toBe(303)
    const deactivated = await post(`/admin/users/${user.id}/impersonate`, { password: PASSWORD }, cookie)
    expect(deactivated.status).toBe(403)
    expect(await deactivated.text()).toContain('This account is deactivated.')
    expect(await auditRowsBy(admin.id, 'admin.impersonation.started')).toEqual([])
  })
})
