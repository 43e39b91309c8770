import { describe, expect, it } from 'vitest'
import { createPasswordResetToken } from '../../src/auth/password-reset'
import { withDb } from '../helpers/db'
import { request } from '../helpers/http'
import { createTestUser, get, login, loginCookie, sessionCookieFrom } from '../auth/helpers'

// Issue 9, finding 7 (checklist 15; ASVS 14.3.2): a response that depends on the session or carries a
// token must never be stored by a browser or a shared cache.
const noStore = (res: Response) => expect(res.headers.get('cache-control')).toBe('no-store')

describe('Cache-Control: no-store by default for private responses', () => {
  it.each(['/settings', '/dashboard', '/verify-email'])('%s with a session', async (path) => {
    const user = await createTestUser()
    const res = await get(path, await loginCookie(user.email))
    expect(res.status).toBe(200)
    noStore(res)
  })

  it('/reset-password?token=… (a valid token, no session)', async () => {
    const user = await createTestUser()
    const { token } = await withDb((db) => createPasswordResetToken(db, user.id, new Date()))
    const res = await request(`/reset-password?token=${token}`)
    expect(res.status).toBe(200)
    noStore(res)
  })

  it('/verify-email?token=… (the link landing page, no session)', async () => {
    const res = await request(`/verify-email?token=${'a'.repeat(32)}`)
    expect(res.status).toBe(200)
    noStore(res)
  })

  it('the response that sets the session cookie (login)', async () => {
    const user = await createTestUser()
    const res = await login(user.email)
    expect(sessionCookieFrom(res)).not.toBeNull()
    noStore(res)
  })

  it('a public page for a signed-in visitor (its navbar shows the account)', async () => {
    const user = await createTestUser()
    noStore(await get('/', await loginCookie(user.email)))
  })

  it('a public page without any cookie stays cacheable (control)', async () => {
    const res = await request('/about')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control') ?? '').not.toContain('no-store')
  })
})
