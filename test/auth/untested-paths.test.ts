import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { env } from 'cloudflare:workers'
import { eq } from 'drizzle-orm'
import { createEmailVerification } from '../../src/auth/email-verification'
import { consumeBucket, RESET_REQUEST_IP_LIMIT } from '../../src/auth/auth-throttle'
import { SIGNUP_IP_LIMIT } from '../../src/auth/routes/signup'
import { sessions, users } from '../../src/auth/schema'
import { isPasswordBreached } from '../../src/auth/password'
import { createLogger } from '../../src/platform/logger'
import { withDb } from '../helpers/db'
import { PASSWORD, createTestUser, get, login, loginCookie, mockHibp, post, randomEmail, randomIp } from './helpers'

// Issue 9, "untested paths to cover": behaviour that was right but had no test.
afterEach(() => vi.restoreAllMocks())

// Windows are filled through the same Durable Object binding the routes use, so only the boundary
// request goes through the worker.
async function fill(key: string, limit: { max: number; windowSeconds: number }) {
  for (let i = 0; i < limit.max; i++) await consumeBucket(env, key, limit, new Date())
}

describe('per-IP throttles (checklist 23)', () => {
  beforeEach(() => { mockHibp() })

  it('sign-up: 429 with a clear message once the address has used its window; no account created', async () => {
    const ip = randomIp()
    await fill(`signup-ip:${ip}`, SIGNUP_IP_LIMIT)
    const email = randomEmail('throttled')
    const res = await post('/signup', { name: 'Late', email, password: PASSWORD }, undefined, { headers: { 'cf-connecting-ip': ip }, htmx: true })
    expect(res.status).toBe(429)
    expect(await res.text()).toMatch(/Too many attempts\. Try again in \d+ (second|seconds)\./)
    expect(await withDb((db) => db.select().from(users).where(eq(users.email, email)))).toHaveLength(0)
    // Another address is unaffected.
    expect((await post('/signup', { name: 'Fine', email: randomEmail(), password: PASSWORD })).status).toBe(303)
  })

  it('forgot password: 429 from one address after its window, page and fragment', async () => {
    const ip = randomIp()
    await fill(`reset-ip:${ip}`, RESET_REQUEST_IP_LIMIT)
    const page = await post('/forgot-password', { email: randomEmail() }, undefined, { headers: { 'cf-connecting-ip': ip } })
    expect(page.status).toBe(429)
    expect(await page.text()).toContain('Too many attempts.')
    const fragment = await post('/forgot-password', { email: randomEmail() }, undefined, { headers: { 'cf-connecting-ip': ip }, htmx: true })
    expect(fragment.status).toBe(429)
    expect(await fragment.text()).not.toContain('<html')
  })
})

describe('oversized bodies on every auth route answer 413', () => {
  const big = { filler: 'x'.repeat(70 * 1024) }
  const anonymous = ['/signup', '/login', '/verify-email', '/forgot-password', '/reset-password', '/logout']
  const signedIn = ['/verify-email/resend', '/settings/name', '/settings/email', '/settings/password', '/settings/delete', '/settings/sessions/abc/revoke', '/settings/sessions/revoke-others']

  it.each(anonymous)('%s', async (path) => {
    const res = await post(path, big)
    expect(res.status).toBe(413)
    expect(await res.text()).toContain('too large')
  })

  it('signed in: every settings and resend route', async () => {
    const user = await createTestUser({ verified: false })
    const cookie = await loginCookie(user.email)
    for (const path of signedIn) {
      const res = await post(path, big, cookie)
      expect(res.status, path).toBe(413)
    }
    // Nothing was done: the user and the session are still there.
    expect((await get('/settings', cookie)).status).toBe(200)
  })
})

describe('email change: the new address is claimed by another account before it is confirmed', () => {
  beforeEach(() => { mockHibp() })

  it('is refused with a clear page and nothing changes', async () => {
    const user = await createTestUser()
    const target = randomEmail('contested')
    const { token } = await withDb((db) => createEmailVerification(db, user.id, target, new Date()))
    const other = await createTestUser({ email: target })
    const res = await post('/verify-email', { token })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('That address now belongs to another account')
    const [mine] = await withDb((db) => db.select().from(users).where(eq(users.id, user.id)))
    const [theirs] = await withDb((db) => db.select().from(users).where(eq(users.id, other.id)))
    expect(mine!.email).toBe(user.email)
    expect(theirs!.email).toBe(target)
  })
})

describe('revoking your own current session', () => {
  beforeEach(() => { mockHibp() })

  it('clears the cookie and sends you to log in; the row is gone', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const id = cookie.split('=')[1]!.split('.')[0]!
    const res = await post(`/settings/sessions/${id}/revoke`, {}, cookie)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login')
    expect(res.headers.getSetCookie().some((line) => /^session=;/.test(line) && /Max-Age=0/i.test(line))).toBe(true)
    expect(await withDb((db) => db.select().from(sessions).where(eq(sessions.id, id)))).toHaveLength(0)
    expect((await get('/settings', cookie)).status).toBe(303)
  })
})

describe('the breach check answering non-200', () => {
  it('fails open: sign-up goes through', async () => {
    const original = globalThis.fetch
    const calls: string[] = []
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url
      if (!url.startsWith('https://api.pwnedpasswords.com/')) return original(input, init)
      calls.push(url)
      return new Response('Service Unavailable', { status: 503 })
    })
    const email = randomEmail('hibp-down')
    const res = await post('/signup', { name: 'Open', email, password: PASSWORD })
    expect(res.status).toBe(303)
    expect(calls).toHaveLength(1)
    expect(await withDb((db) => db.select().from(users).where(eq(users.email, email)))).toHaveLength(1)
  })

  // The warning is once per isolate and base URL outside production (a developer offline sees one hint),
  // so it is checked on a base of its own: test files share the isolate (ADR 0080).
  it('logs a warning; outside production only the first time for that address', async () => {
    const lines: string[] = []
    const log = createLogger({ write: (_level, line) => { lines.push(line) } })
    const down = async () => new Response('Service Unavailable', { status: 503 })
    const options = { baseUrl: `http://hibp-${crypto.randomUUID()}.localhost`, fetch: down as typeof fetch, log }
    expect(await isPasswordBreached(PASSWORD, { ...options, quietAfterFirstFailure: true })).toBe(false)
    expect(await isPasswordBreached(PASSWORD, { ...options, quietAfterFirstFailure: true })).toBe(false)
    expect(lines.filter((l) => l.includes('hibp unavailable'))).toHaveLength(1)
    expect(await isPasswordBreached(PASSWORD, options)).toBe(false)
    expect(lines.filter((l) => l.includes('hibp unavailable'))).toHaveLength(2)
  })
})

describe('login with an empty field', () => {
  beforeEach(() => { mockHibp() })

  it.each([['', PASSWORD], ['someone@example.com', ''], ['', '']])('email %j / password %j: 422 with a clear message, no session', async (email, password) => {
    const res = await post('/login', { email, password }, undefined, { htmx: true })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Enter your email and password.')
    expect(res.headers.getSetCookie().some((l) => /^session=[^;]/.test(l))).toBe(false)
  })

  it('a missing field counts as empty', async () => {
    const user = await createTestUser()
    const res = await post('/login', { email: user.email }, undefined)
    expect(res.status).toBe(422)
    expect((await login(user.email)).status).toBe(303)
  })
})
