import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eq } from 'drizzle-orm'
import { totpCredentials, users } from '../../src/auth/schema'
import { oauthAccounts } from '../../src/oauth/schema'
import { withDb } from '../helpers/db'
import { request } from '../helpers/http'
import { auditRowsAbout } from '../admin/helpers'
import { get, randomEmail, sessionCookieFrom } from '../auth/helpers'
import { callback, consent, installStandin, roundTrip, start, STANDIN_URL, type Standin } from './standin'

// Sign-in with GitHub and Google against the stand-in (issue 22, docs/auth.md "Sign-in with GitHub and
// Google"): every callback refusal answers a page with its status, never a session, never a 500.
let standin: Standin
beforeEach(() => { standin = installStandin().standin })
afterEach(() => vi.restoreAllMocks())

const userByEmail = (email: string) => withDb(async (db) => (await db.select().from(users).where(eq(users.email, email)))[0])
const linksOf = (userId: string) => withDb((db) => db.select().from(oauthAccounts).where(eq(oauthAccounts.userId, userId)))

/** Rewrites one field of the flow cookie, as an attacker holding their own flow could. */
function editFlow(cookie: string, change: Record<string, string>): string {
  const [name, value] = cookie.split('=') as [string, string]
  return `${name}=${btoa(JSON.stringify({ ...JSON.parse(atob(decodeURIComponent(value))), ...change }))}`
}

describe('sign-up and sign-in with a provider', () => {
  it.each(['github', 'google'] as const)('%s with a verified address makes a verified, passwordless account and signs in; the next time signs in to it', async (provider) => {
    const email = randomEmail(provider)
    const res = await roundTrip(standin, provider, 'verified', email)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/dashboard')
    expect(sessionCookieFrom(res)).not.toBeNull()
    expect(res.headers.get('cache-control')).toBe('no-store')
    const user = await userByEmail(email)
    expect(user).toMatchObject({ passwordHash: null })
    expect(user!.emailVerifiedAt).not.toBeNull()
    expect(await linksOf(user!.id)).toMatchObject([{ provider, email, emailVerified: true }])
    const [login] = await auditRowsAbout(user!.id, 'auth.login')
    expect(login!.detail).toMatchObject({ method: provider })

    const again = await roundTrip(standin, provider, 'verified', email)
    expect(again.status).toBe(303)
    // The sessions list says how each session signed in.
    expect(await (await get('/settings', sessionCookieFrom(again)!)).text()).toContain(`Signed in with ${provider === 'github' ? 'GitHub' : 'Google'}`)
    expect(await linksOf(user!.id)).toHaveLength(1)
    expect((await auditRowsAbout(user!.id, 'auth.login'))).toHaveLength(2)
  })

  it('a provider sign-in does not skip two-factor codes: with them on, it goes to the code step, no session yet', async () => {
    const email = randomEmail('2fa')
    await roundTrip(standin, 'github', 'verified', email)
    const user = await userByEmail(email)
    // Enrolment is the two-factor feature's; here only the fact that it is on matters (isTwoFactorEnabled).
    await withDb((db) => db.insert(totpCredentials).values({ userId: user!.id, encryptedKey: 'not-used-here', enabledAt: new Date() }))
    const res = await roundTrip(standin, 'github', 'verified', email)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toMatch(/^\/login\/two-factor/)
    expect(sessionCookieFrom(res)).toBeNull()
  })

  it('a deactivated account is refused after the provider vouched for it', async () => {
    const email = randomEmail('deactivated')
    await roundTrip(standin, 'google', 'verified', email)
    await withDb((db) => db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.email, email)))
    const res = await roundTrip(standin, 'google', 'verified', email)
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('deactivated')
    expect(sessionCookieFrom(res)).toBeNull()
  })

  it.each(['github', 'google'] as const)('%s with an unverified address makes no account and says why', async (provider) => {
    const email = randomEmail('unverified')
    const res = await roundTrip(standin, provider, 'unverified', email)
    expect(res.status).toBe(403)
    const html = await res.text()
    expect(html).toContain('has not verified the address')
    expect(html).toContain('sign up with your email')
    expect(sessionCookieFrom(res)).toBeNull()
    expect(await userByEmail(email)).toBeUndefined()
  })

  it('the next path survives the round trip; an off-site one does not', async () => {
    expect((await roundTrip(standin, 'github', 'verified', randomEmail(), { next: '/files' })).headers.get('location')).toBe('/files')
    expect((await roundTrip(standin, 'github', 'verified', randomEmail(), { next: '//evil.example' })).headers.get('location')).toBe('/dashboard')
  })

  it('the buttons show on log-in and sign-up; a provider without keys answers 404', async () => {
    for (const path of ['/login', '/signup']) {
      const res = await request(path)
      // The form posts here and is redirected to the provider: form-action must allow its origin (only here).
      expect(res.headers.get('content-security-policy')).toContain(`form-action 'self' ${STANDIN_URL}`)
      const html = await res.text()
      expect(html).toContain('Continue with GitHub')
      expect(html).toContain('Continue with Google')
    }
    expect((await request('/oauth/gitlab/callback?code=x&state=y')).status).toBe(404)
    expect((await request('/pricing')).headers.get('content-security-policy') ?? '').not.toContain(STANDIN_URL)
  })
})

describe('callback refusals', () => {
  it('a state that does not match the flow cookie (CSRF on the callback) is refused', async () => {
    const started = await start('github')
    const back = await consent(standin, started.authorizeUrl, 'verified', randomEmail())
    back.searchParams.set('state', 'attacker-state')
    const res = await callback(back, [started.cookie])
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('could not be matched')
    expect(sessionCookieFrom(res)).toBeNull()
  })

  it('a callback without the flow cookie (another browser, expired) is refused', async () => {
    const started = await start('google')
    const back = await consent(standin, started.authorizeUrl, 'verified', randomEmail())
    const res = await callback(back, [])
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('another browser')
  })

  it.each(['github', 'google'] as const)('%s: a code redeemed with another verifier (PKCE) is refused', async (provider) => {
    const email = randomEmail('pkce')
    const started = await start(provider)
    const back = await consent(standin, started.authorizeUrl, 'verified', email)
    const res = await callback(back, [editFlow(started.cookie, { verifier: 'a'.repeat(43) })])
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('did not accept the sign-in code')
    expect(await userByEmail(email)).toBeUndefined()
  })

  it.each(['github', 'google'] as const)('%s: a replayed code is refused', async (provider) => {
    const started = await start(provider)
    const back = await consent(standin, started.authorizeUrl, 'verified', randomEmail('replay'))
    expect((await callback(back, [started.cookie])).status).toBe(303)
    const replay = await callback(back, [started.cookie])
    expect(replay.status).toBe(400)
    expect(await replay.text()).toContain('already used')
  })

  it('a Google ID token whose nonce is not this flow’s is refused', async () => {
    const email = randomEmail('nonce')
    const started = await start('google')
    const back = await consent(standin, started.authorizeUrl, 'verified', email)
    const res = await callback(back, [editFlow(started.cookie, { nonce: 'someone-elses-nonce' })])
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('does not belong to the sign-in you started')
    expect(await userByEmail(email)).toBeUndefined()
  })

  it('access denied at the provider is 403 with a clear message; a provider failing is 502', async () => {
    const denied = await roundTrip(standin, 'github', 'denied', randomEmail())
    expect(denied.status).toBe(403)
    expect(await denied.text()).toContain('You cancelled signing in with GitHub')
    const failed = await roundTrip(standin, 'google', 'error', randomEmail())
    expect(failed.status).toBe(502)
    expect(await failed.text()).toContain('Google did not answer as expected')
  })

  it('a provider that cannot be reached is 502, not 500', async () => {
    const started = await start('github')
    const back = await consent(standin, started.authorizeUrl, 'verified', randomEmail())
    vi.restoreAllMocks()
    const realFetch = globalThis.fetch
    // The stand-in's address stops answering; the database (also reached over fetch) still does.
    vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const url = input instanceof Request ? input.url : String(input)
      return url.startsWith(STANDIN_URL) ? Promise.reject(new TypeError('connection refused')) : realFetch(input, init)
    })
    const res = await callback(back, [started.cookie])
    expect(res.status).toBe(502)
  })
})
