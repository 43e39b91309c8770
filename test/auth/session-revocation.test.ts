import { describe, expect, it } from 'vitest'
import { createSession, invalidateSession } from '../../src/auth/session'
import { withDb } from '../helpers/db'
import { createTestUser, get, loginCookie, post } from './helpers'

// Issue 23 keeps per-isolate state on the request path (the database client, the session lookup's SQL, the
// landing copy): none of it may remember a session. Revoking one must refuse it on the very next request.
describe('session revocation with the per-isolate caches warm', () => {
  it('a session revoked from another one is refused on its next request', async () => {
    const user = await createTestUser()
    const phone = await loginCookie(user.email)
    const laptop = await loginCookie(user.email)
    // Both sessions are looked up through the same prepared lookup and client first.
    expect((await get('/dashboard', phone)).status).toBe(200)
    expect((await get('/dashboard', laptop)).status).toBe(200)
    const phoneId = phone.split('=')[1]!.split('.')[0]!
    const revoked = await post(`/settings/sessions/${phoneId}/revoke`, {}, laptop)
    expect(revoked.status).toBe(303)
    const next = await get('/dashboard', phone)
    expect(next.status).toBe(303)
    expect(next.headers.get('location')).toMatch(/^\/login/)
    // The one that revoked it is unaffected.
    expect((await get('/dashboard', laptop)).status).toBe(200)
  })

  it('a session deleted in the database (sign out everywhere, an admin) is refused at once', async () => {
    const user = await createTestUser()
    const { token, session } = await withDb((db) => createSession(db, user.id, {}, new Date()))
    const cookie = `session=${token}`
    expect((await get('/settings', cookie)).status).toBe(200)
    await withDb((db) => invalidateSession(db, session.id))
    const next = await get('/settings', cookie)
    expect(next.status).toBe(303)
    expect(next.headers.get('location')).toMatch(/^\/login/)
  })
})
