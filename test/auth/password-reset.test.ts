import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { emailDeliveries } from '../../src/email/schema'
import { createPasswordResetToken, resetPasswordWithToken } from '../../src/auth/password-reset'
import { passwordResetTokens, users } from '../../src/auth/schema'
import { hashPassword } from '../../src/auth/password'
import { withDb } from '../helpers/db'
import { waitForMail } from '../helpers/mail'
import { postFormSettled } from '../helpers/http'
import { PASSWORD, createTestUser, get, login, loginCookie, mockHibp, post, randomEmail, randomIp, sessionCookieFrom } from './helpers'

beforeEach(() => { mockHibp(['password1234']) })
afterEach(() => vi.restoreAllMocks())

const NEW_PASSWORD = 'a brand new passphrase'

function resetRows(userId: string) {
  return withDb((db) => db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, userId)))
}

async function deliveries(to: string): Promise<number> {
  const rows = await withDb((db) => db.select().from(emailDeliveries).where(and(eq(emailDeliveries.recipient, to), eq(emailDeliveries.template, 'password-reset'))))
  return rows.length
}

function issue(userId: string, now: Date) {
  return withDb((db) => createPasswordResetToken(db, userId, now))
}

describe('password reset (checklist 3, 21)', () => {
  it('answers known and unknown addresses identically, issuing the token after the answer (checklist 18)', async () => {
    const user = await createTestUser()
    const known = await post('/forgot-password', { email: user.email }, undefined, { htmx: true })
    const unknown = await post('/forgot-password', { email: randomEmail() }, undefined, { htmx: true })
    expect(known.status).toBe(200)
    expect(unknown.status).toBe(200)
    // Byte for byte the same fragment: nothing in the answer tells the two apart.
    const body = await known.text()
    expect(body).toContain('If an account exists for that address')
    expect(await unknown.text()).toBe(body)
    expect(sessionCookieFrom(known)).toBeNull()
    // The token is issued in the background (waitUntil) so the known address does not answer later.
    const rows = await vi.waitFor(async () => {
      const found = await resetRows(user.id)
      expect(found).toHaveLength(1)
      return found
    }, { timeout: 5_000, interval: 100 })
    expect(rows[0]!.tokenHash).toMatch(/^[0-9a-f]{64}$/)
    await vi.waitFor(async () => expect(await deliveries(user.email)).toBe(1), { timeout: 5_000, interval: 100 })
  })

  it('the token is deleted in the same transaction as the password update (a failing update keeps it)', async () => {
    const user = await createTestUser()
    const { token } = await issue(user.id, new Date())
    // The last step in the transaction fails (ending derived credentials): the whole transaction, the
    // password update and the token's deletion with it, must roll back.
    const failingEnd = async () => { throw new Error('ending credentials failed') }
    await expect(withDb((db) => resetPasswordWithToken(db, token, 'x', new Date(), failingEnd))).rejects.toThrow('ending credentials failed')
    expect(await resetRows(user.id)).toHaveLength(1)
    expect((await post('/reset-password', { token, password: NEW_PASSWORD })).status).toBe(303)
    expect(await resetRows(user.id)).toHaveLength(0)
  })

  it('rejects a malformed address with a clear message', async () => {
    const res = await post('/forgot-password', { email: 'nope' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Enter a valid email address')
  })

  it('a reset sets the password, marks the email verified, ends every session, and is single-use', async () => {
    const user = await createTestUser({ verified: false })
    const a = await loginCookie(user.email)
    const b = await loginCookie(user.email)
    const { token } = await issue(user.id, new Date())
    const page = await get(`/reset-password?token=${token}`)
    expect(page.status).toBe(200)
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    const res = await post('/reset-password', { token, password: NEW_PASSWORD })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login')
    expect((await get('/dashboard', a)).status).toBe(303)
    expect((await get('/dashboard', b)).status).toBe(303)
    const [row] = await withDb((db) => db.select().from(users).where(eq(users.id, user.id)))
    expect(row!.emailVerifiedAt).not.toBeNull()
    expect((await login(user.email, PASSWORD)).status).toBe(401)
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(303)
    const reused = await post('/reset-password', { token, password: 'yet another passphrase' })
    expect(reused.status).toBe(400)
    expect(await reused.text()).toContain('invalid, has expired or was already used')
    // A reset of an existing password is a security notice of its own (a first password is "password_set").
    const notice = await waitForMail(user.email, { template: 'security-notice' })
    expect(notice.subject).toContain('Your password was reset')
  })

  it('a new request invalidates older tokens', async () => {
    const user = await createTestUser()
    const first = await issue(user.id, new Date())
    await issue(user.id, new Date())
    expect((await post('/reset-password', { token: first.token, password: NEW_PASSWORD })).status).toBe(400)
  })

  it('tokens expire after one hour (controllable clock)', async () => {
    const user = await createTestUser()
    const { token } = await issue(user.id, new Date(Date.now() - 61 * 60_000))
    expect((await get(`/reset-password?token=${token}`)).status).toBe(400)
    expect((await post('/reset-password', { token, password: NEW_PASSWORD })).status).toBe(400)
    const fresh = await issue(user.id, new Date(Date.now() - 59 * 60_000))
    expect((await get(`/reset-password?token=${fresh.token}`)).status).toBe(200)
  })

  it('is single-use under concurrent submissions', async () => {
    const user = await createTestUser()
    const { token } = await issue(user.id, new Date())
    const hash = await hashPassword(NEW_PASSWORD)
    const results = await withDb((db) => Promise.all([1, 2, 3].map(() => resetPasswordWithToken(db, token, hash, new Date()))))
    expect(results.filter((r) => r !== null)).toHaveLength(1)
  })

  it.each(['', 'forged', 'b'.repeat(32)])('a forged token (%s) is refused and changes nothing', async (token) => {
    expect((await get(`/reset-password?token=${token}`)).status).toBe(400)
    expect((await post('/reset-password', { token, password: NEW_PASSWORD })).status).toBe(400)
  })

  it('applies the password policy and the breach check to the new password', async () => {
    const user = await createTestUser()
    const { token } = await issue(user.id, new Date())
    const short = await post('/reset-password', { token, password: 'short' })
    expect(short.status).toBe(422)
    expect(await short.text()).toContain('Use at least 8 characters.')
    const breached = await post('/reset-password', { token, password: 'password1234' })
    expect(breached.status).toBe(422)
    expect(await breached.text()).toContain('known data breach')
    expect((await post('/reset-password', { token, password: NEW_PASSWORD })).status).toBe(303)
  })

  it('limits reset mails per address without revealing it', async () => {
    const user = await createTestUser()
    for (let i = 0; i < 3; i++) expect((await post('/forgot-password', { email: user.email })).status).toBe(200)
    await vi.waitFor(async () => expect(await deliveries(user.email)).toBe(3), { timeout: 5_000, interval: 100 })
    const third = (await resetRows(user.id))[0]!.tokenHash
    // The 4th and 5th requests answer the same but issue (and mail) nothing; each resolves once its work
    // after the response (waitUntil) is done, so "nothing" is checked without a sleep.
    for (let i = 0; i < 2; i++) {
      const res = await postFormSettled('/forgot-password', { email: user.email }, { headers: { 'cf-connecting-ip': randomIp() } })
      expect(await res.text()).toContain('If an account exists')
    }
    expect(await deliveries(user.email)).toBe(3)
    expect((await resetRows(user.id))[0]!.tokenHash).toBe(third)
  })
})
