import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { decodeBase32IgnorePadding, encodeBase64 } from '@oslojs/encoding'
import worker from '../../src/index'
import { decryptTotpKey, totpEncryptionKey } from '../../src/auth/two-factor-keys'
import { eq } from 'drizzle-orm'
import { recoveryCodes, totpCredentials, users } from '../../src/auth/schema'
import { getTwoFactorState } from '../../src/auth/two-factor'
import { auditRowsAbout, signedInAdmin } from '../admin/helpers'
import { withDb } from '../helpers/db'
import { PASSWORD, createTestUser, get, login, loginCookie, mockHibp, post, randomIp, sessionCookieFrom } from './helpers'
import { TEST_KEY_CONFIG, codeAt, enrolTwoFactor, flashOf, forgetCodeAttempts, freshCode, passwordStep, waitForNotice } from './two-factor-helpers'

vi.setConfig({ testTimeout: 60_000 })
beforeEach(() => { mockHibp() })
afterEach(() => vi.restoreAllMocks())

const state = (userId: string) => withDb((db) => getTwoFactorState(db, userId))
const credential = (userId: string) => withDb(async (db) => (await db.select().from(totpCredentials).where(eq(totpCredentials.userId, userId)))[0])

/** The key as the setup page shows it for typing by hand. */
async function keyFromSetupPage(cookie: string): Promise<Uint8Array> {
  const page = await get('/settings/two-factor/setup', cookie)
  expect(page.status).toBe(200)
  const html = await page.text()
  expect(html).toMatch(/<figure class="totp-qr[^"]*" role="img" aria-label="[^"]+"><svg /)
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)|style="/)
  return decodeBase32IgnorePadding(/id="totp-manual-key"[^>]*>([A-Z2-7 ]+)</.exec(html)![1]!.replaceAll(' ', ''))
}

describe('turning two-factor on from settings', () => {
  it('needs the password, then only a correct code enables it; ten codes are shown once, stored hashed', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    expect(await (await get('/settings', cookie)).text()).toContain('Turn on two-factor')
    expect((await post('/settings/two-factor/start', { 'two-factor-start-password': 'not my password' }, cookie)).status).toBe(401)
    const started = await post('/settings/two-factor/start', { 'two-factor-start-password': PASSWORD }, cookie)
    expect(started.headers.get('location')).toBe('/settings/two-factor/setup')
    const key = await keyFromSetupPage(cookie)

    const wrong = await post('/settings/two-factor/enable', { code: codeAt(key, new Date(), 5) }, cookie)
    expect(wrong.status).toBe(401)
    expect((await state(user.id)).enabledAt).toBeNull()
    await forgetCodeAttempts(user.id)

    const enabled = await post('/settings/two-factor/enable', { code: codeAt(key, new Date()) }, cookie)
    expect(enabled.status).toBe(200)
    expect(enabled.headers.get('cache-control')).toBe('no-store')
    const html = await enabled.text()
    const shown = [...html.matchAll(/<li><code>([a-z2-7]{5}-[a-z2-7]{5})<\/code><\/li>/g)].map((m) => m[1]!)
    expect(shown).toHaveLength(10)
    expect(html).toContain('download="recovery-codes.txt"')
    expect((await state(user.id)).enabledAt).not.toBeNull()
    const stored = await withDb((db) => db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, user.id)))
    expect(stored).toHaveLength(10)
    for (const code of shown) expect(JSON.stringify(stored)).not.toContain(code.replace('-', ''))
    // The key at rest is sealed, not the base32 the page showed.
    expect((await credential(user.id))!.encryptedKey).toMatch(/^v1:/)
    expect((await auditRowsAbout(user.id, 'auth.two_factor_enabled'))).toHaveLength(1)
    await waitForNotice(user.email, 'Two-factor authentication is on')
    // The setup page is gone once enabled, and a second start does not replace the working key.
    expect((await get('/settings/two-factor/setup', cookie)).headers.get('location')).toBe('/settings')
    const again = await post('/settings/two-factor/start', { 'two-factor-start-password': PASSWORD }, cookie)
    expect(flashOf(again)).toContain('already on')
    expect(await (await get('/settings', cookie)).text()).toContain('10 recovery codes left')
  })
})

describe('changing a working setup needs re-authentication', () => {
  it('turning off needs the password and a current code; then it is off, audited and mailed', async () => {
    const user = await createTestUser()
    const { key, recoveryCodes: codes } = await enrolTwoFactor(user.id)
    expect(sessionCookieFrom(await login(user.email))).toBeNull() // the password alone no longer signs in
    // Signed in with a recovery code, so that the app's next code is still unused for the re-authentication.
    const session = sessionCookieFrom(await post('/login/two-factor', { code: codes[0]! }, await passwordStep(user.email)))!
    await forgetCodeAttempts(user.id)

    const noPassword = await post('/settings/two-factor/disable', { 'two-factor-disable-password': 'nope', 'two-factor-disable-code': codeAt(key, new Date(), 1) }, session)
    expect(noPassword.status).toBe(401)
    const noCode = await post('/settings/two-factor/disable', { 'two-factor-disable-password': PASSWORD, 'two-factor-disable-code': '123123' }, session)
    expect(noCode.status).toBe(401)
    expect(await noCode.text()).toContain('That code is not right')
    expect((await auditRowsAbout(user.id, 'auth.reauth_failed'))).toHaveLength(2)
    expect((await state(user.id)).enabledAt).not.toBeNull()
    await forgetCodeAttempts(user.id)

    const off = await post('/settings/two-factor/disable', { 'two-factor-disable-password': PASSWORD, 'two-factor-disable-code': codeAt(key, new Date(), 1) }, session)
    expect(off.status).toBe(303)
    expect(await state(user.id)).toEqual({ enabledAt: null, recoveryCodesLeft: 0 })
    expect(await credential(user.id)).toBeUndefined()
    expect((await auditRowsAbout(user.id, 'auth.two_factor_disabled'))).toHaveLength(1)
    await waitForNotice(user.email, 'Two-factor authentication is off')
    expect(sessionCookieFrom(await login(user.email))).not.toBeNull()
  })

  it('new recovery codes need a current code (a recovery code will do) and void every old one', async () => {
    const user = await createTestUser()
    const { key, recoveryCodes: old } = await enrolTwoFactor(user.id)
    const session = sessionCookieFrom(await post('/login/two-factor', { code: freshCode(key) }, await passwordStep(user.email)))!
    expect((await post('/settings/two-factor/recovery-codes', { 'two-factor-recovery-password': PASSWORD }, session)).status).toBe(422)
    const res = await post('/settings/two-factor/recovery-codes', { 'two-factor-recovery-password': PASSWORD, 'two-factor-recovery-code': old[0]! }, session)
    expect(res.status).toBe(200)
    const fresh = [...(await res.text()).matchAll(/<li><code>([a-z2-7-]{11})<\/code><\/li>/g)].map((m) => m[1]!)
    expect(fresh).toHaveLength(10)
    expect((await auditRowsAbout(user.id, 'auth.recovery_codes_regenerated'))).toHaveLength(1)
    await forgetCodeAttempts(user.id)
    expect((await post('/login/two-factor', { code: old[1]! }, await passwordStep(user.email))).status).toBe(401)
    await forgetCodeAttempts(user.id)
    expect((await post('/login/two-factor', { code: fresh[1]! }, await passwordStep(user.email))).status).toBe(303)
  })

  it('an account without a password (made through a provider) proves itself with a current code alone', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    await withDb((db) => db.update(users).set({ passwordHash: null }).where(eq(users.id, user.id)))
    const settings = await (await get('/settings', cookie)).text()
    expect(settings).not.toContain('name="two-factor-start-password"')
    expect((await post('/settings/two-factor/start', {}, cookie)).headers.get('location')).toBe('/settings/two-factor/setup')
    const key = await keyFromSetupPage(cookie)
    expect((await post('/settings/two-factor/enable', { code: codeAt(key, new Date()) }, cookie)).status).toBe(200)
    await forgetCodeAttempts(user.id)
    expect((await post('/settings/two-factor/disable', {}, cookie)).status).toBe(422)
    expect((await post('/settings/two-factor/disable', { 'two-factor-disable-code': codeAt(key, new Date(), 1) }, cookie)).status).toBe(303)
    expect((await state(user.id)).enabledAt).toBeNull()
  })
})

describe('who may change it', () => {
  const ROUTES: Array<[string, Record<string, string>]> = [
    ['/settings/two-factor/start', { 'two-factor-start-password': PASSWORD }],
    ['/settings/two-factor/enable', { code: '123456' }],
    ['/settings/two-factor/recovery-codes', { 'two-factor-recovery-password': PASSWORD, 'two-factor-recovery-code': '123456' }],
    ['/settings/two-factor/disable', { 'two-factor-disable-password': PASSWORD, 'two-factor-disable-code': '123456' }],
  ]

  it('an admin acting as the user (impersonation) can change none of it', async () => {
    const { cookie: adminCookie } = await signedInAdmin()
    const user = await createTestUser()
    await enrolTwoFactor(user.id)
    const acting = sessionCookieFrom(await post(`/admin/users/${user.id}/impersonate`, { password: PASSWORD }, adminCookie))!
    for (const [path, fields] of ROUTES) expect((await post(path, fields, acting)).status, path).toBe(403)
    expect((await get('/settings/two-factor/setup', acting)).status).toBe(403)
    expect((await state(user.id)).enabledAt).not.toBeNull()
  })

  it('signed out: sent to log in; from another origin: 403 (CSRF), and nothing changes', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    for (const [path, fields] of ROUTES) {
      expect((await post(path, fields)).headers.get('location'), path).toMatch(/^\/login\?next=/)
      expect((await post(path, fields, cookie, { headers: { origin: 'https://evil.example' } })).status, path).toBe(403)
    }
    expect((await post('/login/two-factor', { code: '123456' }, undefined, { headers: { origin: 'https://evil.example' } })).status).toBe(403)
    expect(await credential(user.id)).toBeUndefined()
  })
})

// The real worker with production settings: the encryption key decides whether two-factor is offered.
describe('production (ADR 0100)', () => {
  const ORIGIN = 'https://app.example'
  const base = { ...env, ENVIRONMENT: 'production', APP_URL: ORIGIN, OAUTH_STANDIN_URL: '' }

  async function prodFetch(vars: Record<string, string>, path: string, fields?: Record<string, string>, cookie?: string) {
    const ctx = createExecutionContext()
    const headers = new Headers({ 'cf-connecting-ip': randomIp() })
    if (cookie) headers.set('cookie', cookie)
    if (fields) headers.set('origin', ORIGIN)
    const init: RequestInit = fields ? { method: 'POST', headers, body: new URLSearchParams(fields) } : { headers }
    const res = await worker.fetch(new Request(new URL(path, ORIGIN), { ...init, redirect: 'manual' }), { ...base, ...vars } as unknown as Env, ctx)
    await waitOnExecutionContext(ctx)
    return res
  }
  const cookieNamed = (res: Response, name: string) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))?.split(';')[0]

  it('without TOTP_ENCRYPTION_KEY two-factor is not offered and turning it on is refused', async () => {
    const user = await createTestUser()
    const session = cookieNamed(await prodFetch({ TOTP_ENCRYPTION_KEY: '' }, '/login', { email: user.email, password: PASSWORD }), '__Host-session')!
    expect(await (await prodFetch({ TOTP_ENCRYPTION_KEY: '' }, '/settings', undefined, session)).text()).toContain('Two-factor codes are not available on this site yet.')
    expect((await prodFetch({ TOTP_ENCRYPTION_KEY: '' }, '/settings/two-factor/start', { 'two-factor-start-password': PASSWORD }, session)).status).toBe(422)
    expect(await credential(user.id)).toBeUndefined()
  })

  it('with it: enrolment seals the key under it, and the code step uses the __Host- pending cookie', async () => {
    const vars = { TOTP_ENCRYPTION_KEY: encodeBase64(crypto.getRandomValues(new Uint8Array(32))) }
    const user = await createTestUser()
    const session = cookieNamed(await prodFetch(vars, '/login', { email: user.email, password: PASSWORD }), '__Host-session')!
    expect((await prodFetch(vars, '/settings/two-factor/start', { 'two-factor-start-password': PASSWORD }, session)).status).toBe(303)
    const html = await (await prodFetch(vars, '/settings/two-factor/setup', undefined, session)).text()
    const key = decodeBase32IgnorePadding(/id="totp-manual-key"[^>]*>([A-Z2-7 ]+)</.exec(html)![1]!.replaceAll(' ', ''))
    expect((await prodFetch(vars, '/settings/two-factor/enable', { code: codeAt(key, new Date()) }, session)).status).toBe(200)
    // Sealed under the production secret: the development key cannot open it.
    await expect(decryptTotpKey((await credential(user.id))!.encryptedKey, user.id, totpEncryptionKey(TEST_KEY_CONFIG))).rejects.toThrow()

    const first = await prodFetch(vars, '/login', { email: user.email, password: PASSWORD })
    expect(cookieNamed(first, '__Host-session')).toBeUndefined()
    const pending = cookieNamed(first, '__Host-pending_sign_in')!
    const attrs = first.headers.getSetCookie().find((c) => c.startsWith('__Host-pending_sign_in='))!.split(';').map((a) => a.trim())
    expect(attrs).toEqual(expect.arrayContaining(['HttpOnly', 'Secure', 'Path=/', 'SameSite=Lax']))
    const done = await prodFetch(vars, '/login/two-factor', { code: freshCode(key) }, pending)
    expect(done.status).toBe(303)
    expect(cookieNamed(done, '__Host-session')).toBeDefined()
  })
})
