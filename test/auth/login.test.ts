import { afterEach, describe, expect, it, vi } from 'vitest'
import { env } from 'cloudflare:workers'
import { runInDurableObject } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { sessions, users } from '../../src/auth/schema'
import { CURRENT_PARAMS, hashPassword, verifyPassword } from '../../src/auth/password'
import { stopClock } from '../helpers/clock'
import { withDb } from '../helpers/db'
import { postForm } from '../helpers/http'
import { PASSWORD, createTestUser, get, login, loginCookie, post, randomEmail, randomIp, sessionCookieFrom } from './helpers'

/** Injects the clock into the throttle's state: its last recorded attempt happened `ms` earlier. */
async function ageThrottle(key: string, ms: number) {
  await runInDurableObject(env.AUTH_THROTTLE.get(env.AUTH_THROTTLE.idFromName(key)), (_instance, state) => {
    const delay = state.storage.kv.get<{ index: number; updatedAt: number }>('delay')
    expect(delay).toBeDefined()
    state.storage.kv.put('delay', { ...delay!, updatedAt: delay!.updatedAt - ms })
  })
}

afterEach(() => vi.restoreAllMocks())

describe('login', () => {
  it('sets an HttpOnly, SameSite=Lax, Path=/ cookie with Max-Age and redirects to the dashboard (checklist 9)', async () => {
    const user = await createTestUser()
    const res = await login(user.email)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/dashboard')
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('session='))!
    expect(setCookie).toMatch(/HttpOnly/)
    expect(setCookie).toMatch(/SameSite=Lax/)
    expect(setCookie).toMatch(/Path=\//)
    expect(setCookie).toMatch(/Max-Age=604800/)
    const dash = await get('/dashboard', sessionCookieFrom(res)!)
    expect(dash.status).toBe(200)
    expect(await dash.text()).toContain('Welcome, Test User')
  })

  it('accepts any letter case in the email', async () => {
    const user = await createTestUser()
    expect((await login(user.email.toUpperCase())).status).toBe(303)
  })

  it('answers a wrong password and an unknown email with the same generic message (checklist 18)', async () => {
    const user = await createTestUser()
    const wrong = await login(user.email, 'not the password')
    const unknown = await login(randomEmail(), PASSWORD)
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    const a = await wrong.text()
    const b = await unknown.text()
    expect(a).toContain('Incorrect email or password.')
    expect(b).toContain('Incorrect email or password.')
    expect(sessionCookieFrom(wrong)).toBeNull()
  })

  it('returns the form fragment for htmx and HX-Redirect on success', async () => {
    const user = await createTestUser()
    const bad = await postForm('/login', { email: user.email, password: 'nope nope nope' }, { htmx: true, headers: { 'cf-connecting-ip': randomIp() } })
    expect(bad.status).toBe(401)
    const html = await bad.text()
    expect(html).toMatch(/^<form id="login-form"/)
    const ok = await postForm('/login', { email: user.email, password: PASSWORD }, { htmx: true, headers: { 'cf-connecting-ip': randomIp() } })
    expect(ok.status).toBe(204)
    expect(ok.headers.get('hx-redirect')).toBe('/dashboard')
  })

  it('issues a new session on login; a cookie planted before login is worthless (checklist 8)', async () => {
    const victim = await createTestUser()
    const attacker = await createTestUser()
    const planted = await loginCookie(attacker.email)
    const res = await login(victim.email, PASSWORD, { cookie: planted })
    const fresh = sessionCookieFrom(res)!
    expect(fresh).not.toBe(planted)
    // The planted session is gone server-side, and the fresh one belongs to the victim.
    expect((await get('/dashboard', planted)).status).toBe(303)
    expect(await (await get('/dashboard', fresh)).text()).toContain(victim.email)
    // An invented token planted before login is simply ignored.
    const invented = 'session=aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
    expect((await get('/dashboard', invented)).status).toBe(303)
  })

  it('never reads a session token from the URL or a form field (checklist 8)', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const token = cookie.split('=')[1]!
    expect((await get(`/dashboard?session=${token}`)).status).toBe(303)
    const res = await post('/logout', { session: token })
    expect(res.status).toBe(303)
    expect((await get('/dashboard', cookie)).status).toBe(200)
  })

  it.each([
    ['https://evil.example', '/dashboard'], ['//evil.example/x', '/dashboard'], ['/\\evil.example', '/dashboard'],
    ['javascript:alert(1)', '/dashboard'], ['/settings?tab=password', '/settings?tab=password'],
  ])('next=%s redirects to %s (checklist 17)', async (next, expected) => {
    const user = await createTestUser()
    const res = await login(user.email, PASSWORD, { next })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(expected)
  })

  it('refuses a cross-origin login POST with 403 and creates no session (checklist 14)', async () => {
    const user = await createTestUser()
    const res = await postForm('/login', { email: user.email, password: PASSWORD }, { headers: { origin: 'https://evil.example' } })
    expect(res.status).toBe(403)
    expect(sessionCookieFrom(res)).toBeNull()
  })

  it('throttles by account with "Try again in N seconds" and 429, resetting on success (checklist 23)', async () => {
    stopClock()
    const user = await createTestUser()
    expect((await login(user.email, 'wrong password 1')).status).toBe(401)
    expect((await login(user.email, 'wrong password 2')).status).toBe(401)
    const blocked = await login(user.email, PASSWORD) // even the right password waits: no oracle
    expect(blocked.status).toBe(429)
    expect(blocked.headers.get('retry-after')).toBe('1')
    expect(await blocked.text()).toContain('Too many attempts. Try again in 1 second.')
    // The clock moves instead of the test sleeping: the account's last attempt becomes a second older.
    await ageThrottle(`acct:${user.email}`, 1_000)
    expect((await login(user.email, PASSWORD)).status).toBe(303)
    // Reset on success: the next two attempts are free again.
    expect((await login(user.email, 'wrong again')).status).toBe(401)
    expect((await login(user.email, 'wrong again 2')).status).toBe(401)
  })

  it('throttles by IP across accounts', async () => {
    stopClock()
    const ip = randomIp()
    const statuses = []
    for (let i = 0; i < 7; i++) statuses.push((await login(randomEmail(), 'whatever password', { ip })).status)
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401])
    expect(statuses[6]).toBe(429)
  })

  it('a success from an IP does not clear that IP\'s failures (no reset by logging into one\'s own account)', async () => {
    stopClock()
    const ip = randomIp()
    const own = await createTestUser()
    for (let i = 0; i < 5; i++) expect((await login(randomEmail(), 'guess password', { ip })).status).toBe(401)
    expect((await login(own.email, PASSWORD, { ip })).status).toBe(303)
    expect((await login(randomEmail(), 'guess password', { ip })).status).toBe(401)
    // Six attempts have failed from this address: the ladder's first delay applies.
    const blocked = await login(randomEmail(), 'guess password', { ip })
    expect(blocked.status).toBe(429)
    expect(blocked.headers.get('retry-after')).toBe('1')
  })

  it('counts 10 concurrent attempts on one account exactly (checklist 24)', async () => {
    stopClock()
    const user = await createTestUser()
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => login(user.email, `wrong password ${i}`)))
    const statuses = results.map((r) => r.status).sort()
    // Delays [0, 1, …]: the first attempt and its 0-second follow-up are checked, the other 8 wait.
    expect(statuses).toEqual([401, 401, 429, 429, 429, 429, 429, 429, 429, 429])
    for (const r of results.filter((x) => x.status === 429)) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(await r.text()).toMatch(/Too many attempts\. Try again in \d+ seconds?\./)
    }
  })

  it('refuses a 10 kB password with 422 and a clear message, without creating a session', async () => {
    const user = await createTestUser()
    const res = await login(user.email, 'x'.repeat(10_000))
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Incorrect email or password.')
    expect(sessionCookieFrom(res)).toBeNull()
    // It cost no throttle slot either: the right password still gets straight in.
    expect((await login(user.email)).status).toBe(303)
  })

  it('upgrades a hash made with old parameters on successful login', async () => {
    const user = await createTestUser()
    const weak = await hashPassword(PASSWORD, { ...CURRENT_PARAMS, memoryKiB: 4096, iterations: 1 })
    await withDb((db) => db.update(users).set({ passwordHash: weak }).where(eq(users.id, user.id)))
    expect((await login(user.email)).status).toBe(303)
    const [row] = await withDb((db) => db.select().from(users).where(eq(users.id, user.id)))
    expect(row!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(await verifyPassword(row!.passwordHash, PASSWORD)).toBe(true)
  })

  it('logs success and failure as JSON lines with the request id and no secrets (checklist 34)', async () => {
    const user = await createTestUser()
    // Successes are info lines (console.log), failures warnings (console.warn).
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const ok = await login(user.email)
    await login(user.email, 'the wrong secret')
    const lines = [...log.mock.calls, ...warn.mock.calls].map((c) => String(c[0])).filter((l) => l.includes('"auth.'))
    const success = JSON.parse(lines.find((l) => l.includes('auth.login.success'))!)
    expect(success).toMatchObject({ userId: user.id, requestId: expect.any(String) })
    expect(lines.some((l) => l.includes('auth.login.failure'))).toBe(true)
    const all = lines.join('\n')
    expect(all).not.toContain(PASSWORD)
    expect(all).not.toContain('the wrong secret')
    expect(all).not.toContain(sessionCookieFrom(ok)!.split('=')[1]!)
  })
})

describe('logout', () => {
  it('deletes the session server-side and clears the cookie (checklist 10)', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const id = cookie.split('=')[1]!.split('.')[0]!
    const res = await post('/logout', {}, cookie)
    expect(res.status).toBe(303)
    expect(res.headers.getSetCookie().some((c) => /^session=;/.test(c) && /Max-Age=0/.test(c))).toBe(true)
    expect(await withDb((db) => db.select().from(sessions).where(eq(sessions.id, id)))).toHaveLength(0)
    expect((await get('/dashboard', cookie)).status).toBe(303)
  })

  it('is not reachable by GET (checklist 13)', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    expect((await get('/logout', cookie)).status).toBe(404)
    expect((await get('/dashboard', cookie)).status).toBe(200)
  })
})
