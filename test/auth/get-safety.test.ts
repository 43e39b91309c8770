import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eq } from 'drizzle-orm'
import { createEmailVerification } from '../../src/auth/email-verification'
import { createPasswordResetToken } from '../../src/auth/password-reset'
import { emailVerifications, passwordResetTokens, sessions, users } from '../../src/auth/schema'
import { withDb } from '../helpers/db'
import { request } from '../helpers/http'
import { createTestUser, get, loginCookie, mockHibp } from './helpers'

beforeEach(() => { mockHibp() })
afterEach(() => vi.restoreAllMocks())

async function snapshot(userId: string) {
  return withDb(async (db) => ({
    user: await db.select().from(users).where(eq(users.id, userId)),
    sessions: await db.select().from(sessions).where(eq(sessions.userId, userId)),
    verification: await db.select().from(emailVerifications).where(eq(emailVerifications.userId, userId)),
    resets: await db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, userId)),
  }))
}

// Checklist 13 (ASVS 3.5.3): no GET (or HEAD) changes state — not even the links in mails, which mail
// scanners and link previews open before the user does.
describe('GET never mutates', () => {
  it('every auth page, with and without a session, with valid tokens in the URL, leaves the database as it was', async () => {
    const user = await createTestUser({ verified: false })
    const cookie = await loginCookie(user.email)
    const sessionId = cookie.split('=')[1]!.split('.')[0]!
    const { token } = await withDb((db) => createEmailVerification(db, user.id, user.email, new Date()))
    const { token: resetToken } = await withDb((db) => createPasswordResetToken(db, user.id, new Date()))
    const before = await snapshot(user.id)
    const paths = [
      '/signup', '/login', '/login?next=/settings', `/verify-email?token=${token}`, '/verify-email', '/forgot-password',
      `/reset-password?token=${resetToken}`, '/settings', '/dashboard',
      // The POST-only routes, asked with GET: 404, nothing else.
      '/logout', '/verify-email/resend', '/settings/name', '/settings/password', '/settings/email', '/settings/delete',
      `/settings/sessions/${sessionId}/revoke`,
    ]
    for (const path of paths) {
      for (const withCookie of [undefined, cookie]) {
        for (const method of ['GET', 'HEAD']) {
          const res = method === 'GET' ? await get(path, withCookie) : await request(path, { method, headers: withCookie ? { cookie: withCookie } : {} })
          expect(res.status, `${method} ${path}`).toBeLessThan(500)
          await res.body?.cancel()
        }
      }
    }
    expect(await snapshot(user.id)).toEqual(before)
    // And the tokens still work afterwards: opening the links consumed nothing.
    expect((await get(`/reset-password?token=${resetToken}`)).status).toBe(200)
  })
})
