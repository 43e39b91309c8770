import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eq } from 'drizzle-orm'
import { createEmailVerification, generateVerificationCode } from '../../src/auth/email-verification'
import { emailVerifications, users } from '../../src/auth/schema'
import { withDb } from '../helpers/db'
import { createTestUser, get, loginCookie, mockHibp, post, sessionCookieFrom } from './helpers'

beforeEach(() => { mockHibp() })
afterEach(() => vi.restoreAllMocks())

async function unverifiedSignedIn() {
  const user = await createTestUser({ verified: false })
  const cookie = await loginCookie(user.email)
  return { user, cookie }
}

function issue(userId: string, email: string, now: Date) {
  return withDb((db) => createEmailVerification(db, userId, email, now))
}

async function isVerified(userId: string) {
  const [row] = await withDb((db) => db.select().from(users).where(eq(users.id, userId)))
  return row!.emailVerifiedAt !== null
}

describe('email verification (checklist 19, 20, 22)', () => {
  it('codes are 8 CSPRNG digits; code and link token are stored hashed only', async () => {
    const codes = new Set(Array.from({ length: 200 }, generateVerificationCode))
    for (const code of codes) expect(code).toMatch(/^\d{8}$/)
    expect(codes.size).toBeGreaterThan(195)
    const user = await createTestUser({ verified: false })
    const { code, token } = await issue(user.id, user.email, new Date())
    const [row] = await withDb((db) => db.select().from(emailVerifications).where(eq(emailVerifications.userId, user.id)))
    expect(JSON.stringify(row)).not.toContain(code)
    expect(JSON.stringify(row)).not.toContain(token)
  })

  it('a correct code verifies, rotates every session and is single-use', async () => {
    const { user, cookie } = await unverifiedSignedIn()
    const other = await loginCookie(user.email)
    const { code } = await issue(user.id, user.email, new Date())
    const wrong = await post('/verify-email', { code: code === '00000000' ? '11111111' : '00000000' }, cookie)
    expect(wrong.status).toBe(422)
    expect(await wrong.text()).toContain('That code is not right')
    const res = await post('/verify-email', { code }, cookie)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/dashboard')
    const fresh = sessionCookieFrom(res)!
    expect(fresh).not.toBe(cookie)
    expect(await isVerified(user.id)).toBe(true)
    // Old sessions, including the one that verified, are gone (checklist 22).
    expect((await get('/dashboard', cookie)).status).toBe(303)
    expect((await get('/dashboard', other)).status).toBe(303)
    expect(await (await get('/dashboard', fresh)).text()).toContain('Email verified')
    const again = await post('/verify-email', { code }, fresh)
    expect(again.status).toBe(422) // single-use: the record is gone
  })

  it('an expired code is refused with a clear message (controllable clock)', async () => {
    const { user, cookie } = await unverifiedSignedIn()
    const { code } = await issue(user.id, user.email, new Date(Date.now() - 11 * 60_000))
    const res = await post('/verify-email', { code }, cookie)
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('This code has expired')
    expect(await isVerified(user.id)).toBe(false)
  })

  it('a code is bound to its user: another user cannot use it', async () => {
    const a = await unverifiedSignedIn()
    const b = await unverifiedSignedIn()
    const { code } = await issue(a.user.id, a.user.email, new Date())
    await issue(b.user.id, b.user.email, new Date())
    expect((await post('/verify-email', { code }, b.cookie)).status).toBe(422)
    expect(await isVerified(b.user.id)).toBe(false)
  })

  it('only the latest mail works', async () => {
    const { user, cookie } = await unverifiedSignedIn()
    const first = await issue(user.id, user.email, new Date())
    await issue(user.id, user.email, new Date())
    expect((await post('/verify-email', { code: first.code }, cookie)).status).toBe(422)
  })

  it('the link opens a confirmation page (GET changes nothing) and POSTing it verifies', async () => {
    const { user, cookie } = await unverifiedSignedIn()
    const { token } = await issue(user.id, user.email, new Date())
    const page = await get(`/verify-email?token=${token}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Confirm my email address')
    expect(await isVerified(user.id)).toBe(false)
    const res = await post('/verify-email', { token }, cookie)
    expect(res.status).toBe(303)
    expect(await isVerified(user.id)).toBe(true)
    expect(sessionCookieFrom(res)).not.toBeNull()
    const reused = await post('/verify-email', { token })
    expect(reused.status).toBe(400)
    expect(await reused.text()).toContain('invalid, has expired or was already used')
  })

  it('a link opened in a browser that is not signed in verifies but logs nobody in', async () => {
    const user = await createTestUser({ verified: false })
    const { token } = await issue(user.id, user.email, new Date())
    const res = await post('/verify-email', { token })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login')
    expect(sessionCookieFrom(res)).toBeNull()
    expect(await isVerified(user.id)).toBe(true)
  })

  it.each(['forged', 'a'.repeat(32), ''])('a forged token (%s) gets a failure page and changes nothing', async (token) => {
    const res = await post('/verify-email', { token })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('We could not verify your email')
  })

  it('an expired link is refused', async () => {
    const user = await createTestUser({ verified: false })
    const { token } = await issue(user.id, user.email, new Date(Date.now() - 11 * 60_000))
    expect((await post('/verify-email', { token })).status).toBe(400)
    expect(await isVerified(user.id)).toBe(false)
  })

  it('code attempts are throttled at 10 per hour per user (checklist 20)', async () => {
    const { user, cookie } = await unverifiedSignedIn()
    const { code } = await issue(user.id, user.email, new Date())
    const bad = code === '12345678' ? '87654321' : '12345678'
    for (let i = 0; i < 10; i++) expect((await post('/verify-email', { code: bad }, cookie)).status).toBe(422)
    const blocked = await post('/verify-email', { code }, cookie)
    expect(blocked.status).toBe(429)
    expect(await blocked.text()).toMatch(/Too many attempts\. Try again in \d+ seconds\./)
    expect(await isVerified(user.id)).toBe(false)
  })

  it('resend is limited to 3 per 10 minutes (checklist 20)', async () => {
    const { cookie } = await unverifiedSignedIn()
    for (let i = 0; i < 3; i++) expect((await post('/verify-email/resend', {}, cookie)).status).toBe(303)
    const blocked = await post('/verify-email/resend', {}, cookie)
    expect(blocked.status).toBe(429)
    expect(await blocked.text()).toContain('Too many attempts')
  })

  it('verify pages require a session', async () => {
    expect((await get('/verify-email')).headers.get('location')).toBe('/login?next=%2Fverify-email')
    expect((await post('/verify-email', { code: '12345678' })).status).toBe(303)
  })
})
