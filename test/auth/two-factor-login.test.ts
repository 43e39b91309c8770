import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eq } from 'drizzle-orm'
import { pendingSignIns, recoveryCodes, totpCredentials, users } from '../../src/auth/schema'
import { MAX_CODE_ATTEMPTS, PENDING_MISSING, TOO_MANY_CODES } from '../../src/auth/routes/two-factor-login'
import { createPasswordResetToken } from '../../src/auth/password-reset'
import { useRecoveryCode, useTotpCode } from '../../src/auth/two-factor'
import { auditRowsAbout } from '../admin/helpers'
import { withDb } from '../helpers/db'
import { waitForMail } from '../helpers/mail'
import { PASSWORD, createTestUser, get, login, loginCookie, mockHibp, post, sessionCookieFrom } from './helpers'
import { waitForAccountDeleted } from '../helpers/account-deletion'
import { TEST_KEY_CONFIG, codeAt, enrolTwoFactor, flashOf, forgetCodeAttempts, freshCode, passwordStep, pendingRows, sessionRows } from './two-factor-helpers'
import { stopClock } from '../helpers/clock'

vi.setConfig({ testTimeout: 60_000 })
beforeEach(() => { mockHibp() })
afterEach(() => vi.restoreAllMocks())

async function twoFactorUser() {
  const user = await createTestUser()
  return { user, ...(await enrolTwoFactor(user.id)) }
}

describe('the code step after the password', () => {
  it('a right password gives no session, only the code step; the right code then starts a session that says so', async () => {
    const { user, key } = await twoFactorUser()
    const res = await login(user.email, undefined, { next: '/files' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login/two-factor')
    expect(sessionCookieFrom(res)).toBeNull()
    const pending = await passwordStep(user.email, '/files')
    // Nothing behind the guards with the pending cookie alone.
    expect((await get('/settings', pending)).headers.get('location')).toMatch(/^\/login/)
    const page = await get('/login/two-factor', pending)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('autocomplete="one-time-code"')

    const done = await post('/login/two-factor', { code: freshCode(key) }, pending)
    expect(done.status).toBe(303)
    expect(done.headers.get('location')).toBe('/files')
    expect(sessionCookieFrom(done)).not.toBeNull()
    expect(await pendingRows(user.id)).toHaveLength(0)
    expect((await sessionRows(user.id)).map((s) => [s.signInMethod, s.secondFactor])).toEqual([['password', 'totp']])
    // The session list says how this session signed in, both factors.
    expect(await (await get('/settings', sessionCookieFrom(done)!)).text()).toContain('Signed in with password and an authenticator code')
    const [audit] = await auditRowsAbout(user.id, 'auth.login')
    expect(audit!.detail).toMatchObject({ method: 'password', secondFactor: 'totp' })
  })

  it('a code accepted once is refused the second time (replay), even within its 30 seconds', async () => {
    const { user, key } = await twoFactorUser()
    const code = freshCode(key)
    expect((await post('/login/two-factor', { code }, await passwordStep(user.email))).status).toBe(303)
    await forgetCodeAttempts(user.id)
    const replay = await post('/login/two-factor', { code }, await passwordStep(user.email))
    expect(replay.status).toBe(401)
    expect(await replay.text()).toContain('That code is not right')
  })

  it('the same code sent twice at once signs in once (the step is taken in one conditional UPDATE)', async () => {
    const { user, key } = await twoFactorUser()
    const now = new Date()
    const code = codeAt(key, now, 1)
    const results = await Promise.all([0, 1, 2].map(() => withDb((db) => useTotpCode(db, TEST_KEY_CONFIG, user.id, code, now))))
    expect(results.filter(Boolean)).toHaveLength(1)
  })

  it('a code of the enrolment’s step or older (already used) and one two steps ahead are refused', async () => {
    const { user, key } = await twoFactorUser()
    const pending = await passwordStep(user.email)
    expect((await post('/login/two-factor', { code: codeAt(key, new Date(), 3) }, pending)).status).toBe(401)
    await forgetCodeAttempts(user.id)
    expect((await post('/login/two-factor', { code: codeAt(key, new Date(Date.now() - 2 * 60_000)) }, pending)).status).toBe(401)
  })

  it('a wrong code is refused, logged and audited, and the next try at once is throttled (Retry-After)', async () => {
    stopClock()
    const { user } = await twoFactorUser()
    const pending = await passwordStep(user.email)
    const wrong = await post('/login/two-factor', { code: '000000' }, pending, { htmx: true })
    expect(wrong.status).toBe(401)
    expect(await wrong.text()).not.toContain('<html')
    const [audit] = await auditRowsAbout(user.id, 'auth.login_failed')
    expect(audit!.detail).toMatchObject({ reason: 'wrong two-factor code' })
    // The ladder (LOGIN_ACCOUNT_DELAYS): 0 s, then 1 s; a third guess inside that second waits.
    await post('/login/two-factor', { code: '000001' }, pending)
    const throttled = await post('/login/two-factor', { code: '000002' }, pending)
    expect(throttled.status).toBe(429)
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it(`after ${MAX_CODE_ATTEMPTS} wrong codes the pending sign-in ends and the password is asked again`, async () => {
    const { user, key } = await twoFactorUser()
    const pending = await passwordStep(user.email)
    for (let i = 0; i < MAX_CODE_ATTEMPTS - 1; i++) {
      await forgetCodeAttempts(user.id)
      expect((await post('/login/two-factor', { code: '999999' }, pending)).status).toBe(401)
    }
    await forgetCodeAttempts(user.id)
    const last = await post('/login/two-factor', { code: '999999' }, pending)
    expect(last.status).toBe(303)
    expect(last.headers.get('location')).toBe('/login')
    expect(flashOf(last)).toContain(TOO_MANY_CODES)
    expect(await pendingRows(user.id)).toHaveLength(0)
    // Even the right code is no use now.
    await forgetCodeAttempts(user.id)
    const after = await post('/login/two-factor', { code: freshCode(key) }, pending)
    expect(after.headers.get('location')).toBe('/login')
    expect(sessionCookieFrom(after)).toBeNull()
  })

  it('an expired or missing pending sign-in sends the browser back to log in with a message', async () => {
    const { user, key } = await twoFactorUser()
    const pending = await passwordStep(user.email)
    await withDb((db) => db.update(pendingSignIns).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(pendingSignIns.userId, user.id)))
    const expired = await post('/login/two-factor', { code: freshCode(key) }, pending)
    expect(expired.status).toBe(303)
    expect(expired.headers.get('location')).toBe('/login')
    expect(flashOf(expired)).toContain(PENDING_MISSING)
    expect(sessionCookieFrom(expired)).toBeNull()
    const none = await get('/login/two-factor')
    expect(none.status).toBe(303)
    expect(none.headers.get('location')).toBe('/login')
  })

  it('an account deactivated while the code was typed is refused at the code step', async () => {
    const { user, key } = await twoFactorUser()
    const pending = await passwordStep(user.email)
    await withDb((db) => db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, user.id)))
    const res = await post('/login/two-factor', { code: freshCode(key) }, pending)
    expect(res.headers.get('location')).toBe('/login')
    expect(flashOf(res)).toContain('deactivated')
    expect(sessionCookieFrom(res)).toBeNull()
  })
})

describe('recovery codes at sign-in', () => {
  it('one signs in once (recorded, audited, mailed with how many are left), and never again', async () => {
    const { user, recoveryCodes: codes } = await twoFactorUser()
    const code = codes[3]!
    const res = await post('/login/two-factor', { code: code.toUpperCase() }, await passwordStep(user.email))
    expect(res.status).toBe(303)
    expect((await sessionRows(user.id)).map((s) => s.secondFactor)).toEqual(['recovery_code'])
    expect(await (await get('/settings', sessionCookieFrom(res)!)).text()).toContain('Signed in with password and a recovery code')
    const [audit] = await auditRowsAbout(user.id, 'auth.recovery_code_used')
    expect(audit!.detail).toMatchObject({ left: 9 })
    const mail = await waitForMail(user.email, { template: 'security-notice' })
    expect(mail.text).toContain('9 recovery codes are left.')

    await forgetCodeAttempts(user.id)
    expect((await post('/login/two-factor', { code }, await passwordStep(user.email))).status).toBe(401)
  })

  it('two concurrent uses of the same code: exactly one wins', async () => {
    const { user, recoveryCodes: codes } = await twoFactorUser()
    const now = new Date()
    const results = await Promise.all([0, 1, 2].map(() => withDb((db) => useRecoveryCode(db, user.id, codes[0]!, now))))
    expect(results.filter(Boolean)).toHaveLength(1)
    const rows = await withDb((db) => db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id)))
    expect(rows.filter((r) => r.usedAt !== null)).toHaveLength(1)
    // Stored hashed: no plaintext code in the table.
    expect(JSON.stringify(rows)).not.toContain(codes[0]!)
  })
})

describe('password reset does not bypass two-factor', () => {
  it('the reset signs nobody in; logging in with the new password still asks for the code', async () => {
    const { user } = await twoFactorUser()
    const { token } = await withDb((db) => createPasswordResetToken(db, user.id, new Date()))
    const reset = await post('/reset-password', { token, password: 'a brand new passphrase' })
    expect(reset.status).toBe(303)
    expect(reset.headers.get('location')).toBe('/login')
    expect(sessionCookieFrom(reset)).toBeNull()
    expect(await sessionRows(user.id)).toHaveLength(0)
    const res = await login(user.email, 'a brand new passphrase')
    expect(res.headers.get('location')).toBe('/login/two-factor')
    expect(sessionCookieFrom(res)).toBeNull()
  })
})

describe('account deletion', () => {
  it('removes the two-factor key, the recovery codes and a pending sign-in with the account (foreign keys cascade)', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    await enrolTwoFactor(user.id)
    await passwordStep(user.email)
    const rowsOf = async () => withDb(async (db) => ({
      totp: (await db.select().from(totpCredentials).where(eq(totpCredentials.userId, user.id))).length,
      recovery: (await db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id))).length,
      pending: (await pendingRows(user.id)).length,
    }))
    expect(await rowsOf()).toEqual({ totp: 1, recovery: 10, pending: 1 })
    expect((await post('/settings/delete', { delete_current_password: PASSWORD }, cookie)).status).toBe(303)
    await waitForAccountDeleted(user.id)
    expect(await rowsOf()).toEqual({ totp: 0, recovery: 0, pending: 0 })
  })
})
