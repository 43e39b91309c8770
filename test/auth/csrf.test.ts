import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eq } from 'drizzle-orm'
import { createEmailVerification } from '../../src/auth/email-verification'
import { createPasswordResetToken } from '../../src/auth/password-reset'
import { emailVerifications, passwordResetTokens, sessions, users } from '../../src/auth/schema'
import { withDb } from '../helpers/db'
import { postFormSettled } from '../helpers/http'
import { PASSWORD, createTestUser, loginCookie, mockHibp, randomEmail, randomIp, sessionCookieFrom } from './helpers'

beforeEach(() => { mockHibp() })
afterEach(() => vi.restoreAllMocks())

/** Everything an auth POST could change for this user, plus whether `newEmail` got an account. */
async function snapshot(userId: string, newEmail: string) {
  return withDb(async (db) => ({
    user: await db.select().from(users).where(eq(users.id, userId)),
    sessions: (await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId))).map((s) => s.id).sort(),
    verification: await db.select().from(emailVerifications).where(eq(emailVerifications.userId, userId)),
    resets: await db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, userId)),
    newAccount: await db.select({ id: users.id }).from(users).where(eq(users.email, newEmail)),
  }))
}

// Checklist 14 (ASVS 3.5.1): every state-changing auth route, each with a body that would succeed from our
// own origin, answered 403 from another origin — and nothing changes.
describe('cross-origin POSTs to every auth route get 403 and change nothing (checklist 14)', async () => {
  const routes: [string, (ctx: { token: string; code: string; resetToken: string; sessionId: string; newEmail: string }) => Record<string, string>][] = [
    ['/signup', (x) => ({ name: 'Evil', email: x.newEmail, password: PASSWORD })],
    ['/login', () => ({ email: 'victim@example.com', password: PASSWORD })],
    ['/logout', () => ({})],
    ['/verify-email', (x) => ({ code: x.code })],
    ['/verify-email#token', (x) => ({ token: x.token })],
    ['/verify-email/resend', () => ({})],
    ['/forgot-password', () => ({ email: 'placeholder' })],
    ['/reset-password', (x) => ({ token: x.resetToken, password: 'a brand new passphrase' })],
    ['/settings/name', () => ({ name: 'Renamed by evil' })],
    ['/settings/email', (x) => ({ email: x.newEmail, email_current_password: PASSWORD })],
    ['/settings/password', () => ({ current_password: PASSWORD, new_password: 'evil chosen passphrase' })],
    ['/settings/sessions/:id/revoke', () => ({})],
    ['/settings/sessions/revoke-others', () => ({})],
    ['/settings/delete', () => ({ delete_current_password: PASSWORD })],
  ]

  it.each(routes)('%s', async (route, fields) => {
    const user = await createTestUser({ verified: false })
    const cookie = await loginCookie(user.email)
    const sessionId = cookie.split('=')[1]!.split('.')[0]!
    const { code, token } = await withDb((db) => createEmailVerification(db, user.id, user.email, new Date()))
    const { token: resetToken } = await withDb((db) => createPasswordResetToken(db, user.id, new Date()))
    const newEmail = randomEmail('csrf')
    const body = fields({ token, code, resetToken, sessionId, newEmail })
    if (route === '/forgot-password') body.email = user.email
    const path = route.replace('#token', '').replace(':id', sessionId)
    const before = await snapshot(user.id, newEmail)
    for (const headers of <Record<string, string>[]>[
      { origin: 'https://evil.example' },
      { origin: 'http://localhost', 'sec-fetch-site': 'cross-site' }, // fetch metadata wins over a lookalike Origin
      { origin: 'null' },
    ]) {
      // Settled: any work after the response (waitUntil) has finished before the snapshot below.
      const res = await postFormSettled(path, body, { headers: { ...headers, cookie, 'cf-connecting-ip': randomIp() } })
      expect(res.status).toBe(403)
      expect(await res.text()).toContain('blocked to protect your account')
      expect(sessionCookieFrom(res)).toBeNull()
    }
    expect(await snapshot(user.id, newEmail)).toEqual(before)
  })
})
