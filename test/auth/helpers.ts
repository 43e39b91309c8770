import { env } from 'cloudflare:workers'
import { vi } from 'vitest'
import { eq } from 'drizzle-orm'
import { sha1 } from '@oslojs/crypto/sha1'
import { encodeHexUpperCase } from '@oslojs/encoding'
import { withDb } from '../helpers/db'
import { postForm, request } from '../helpers/http'
import { HIBP_DEFAULT_BASE, hashPassword, verifyPassword } from '../../src/auth/password'
import { createSession, sessionCookieName } from '../../src/auth/session'
import { isTwoFactorEnabled, signInRefusal } from '../../src/auth/sign-in'
import { createUser, normaliseEmail } from '../../src/auth/user'
import { users, type Role } from '../../src/auth/schema'
import { readConfig } from '../../src/platform/env'

export const PASSWORD = 'correct horse battery staple'

export function randomEmail(prefix = 'user'): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 12)}@example.com`
}

// Every test gets its own client address so the per-IP throttles of different tests never meet.
export function randomIp(): string {
  const b = crypto.getRandomValues(new Uint8Array(3))
  return `10.${b[0]}.${b[1]}.${b[2]}`
}

// argon2id at OWASP's cost is about 25 ms of CPU per call, and the tests need thousands of accounts and
// sign-ins (issue 21: test time): the same work on the same input is done once per isolate. Each account
// still gets a real PHC hash from the app's own hashing (its salt shared by the accounts with that
// password), and each password is still checked against the stored hash.
const argon2Results = new Map<string, Promise<unknown>>()
function once<T>(key: string, make: () => Promise<T>): Promise<T> {
  let result = argon2Results.get(key) as Promise<T> | undefined
  if (!result) argon2Results.set(key, (result = make()))
  return result
}
const hashOnce = (password: string) => once(`hash\n${password}`, () => hashPassword(password))

export async function createTestUser(opts: { email?: string; password?: string; role?: Role; verified?: boolean; name?: string } = {}) {
  const email = opts.email ?? randomEmail()
  const password = opts.password ?? PASSWORD
  return withDb(async (db) => {
    const user = await createUser(db, { email, name: opts.name ?? 'Test User', password, role: opts.role }, hashOnce)
    if (!user) throw new Error('duplicate test user')
    if (opts.verified !== false) await db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, user.id))
    return { ...user, password }
  })
}

/** The `name=value` of the session cookie a response sets, or null. */
export function sessionCookieFrom(res: Response): string | null {
  for (const line of res.headers.getSetCookie()) {
    const m = /^(session|__Host-session)=([^;]*)/.exec(line)
    if (m && m[2] !== '') return `${m[1]}=${m[2]}`
  }
  return null
}

/** The `qs_flash=value` cookie a response sets (send it back to see the message on the next page), or null. */
export function flashCookieFrom(res: Response): string | null {
  return res.headers.getSetCookie().find((line) => line.startsWith('qs_flash='))?.split(';')[0] ?? null
}

export async function login(email: string, password: string = PASSWORD, init: { ip?: string; cookie?: string; next?: string } = {}) {
  const headers: Record<string, string> = { 'cf-connecting-ip': init.ip ?? randomIp() }
  if (init.cookie) headers.cookie = init.cookie
  return postForm(init.next ? `/login?next=${encodeURIComponent(init.next)}` : '/login', { email, password }, { headers })
}

/**
 * A signed-in session cookie for the account, the way a password login starts one (`createSession`: a new
 * session row, its token in the cookie) but without posting the form: Django's `force_login`. The form
 * verifies an argon2id hash at OWASP's cost, about a tenth of the workerd tests' CPU when ~300 tests
 * signed in that way only to reach another feature (issue 21: test time). The password must still be the
 * account's: it is checked against the stored hash (once per password and hash), so a wrong one fails
 * as the form would. Tests of signing in itself post the form (`login`); accounts with two-factor
 * codes on, deactivated or being deleted are refused here as the form would refuse or divert them.
 */
export async function loginCookie(email: string, password: string = PASSWORD): Promise<string> {
  return withDb(async (db) => {
    const [user] = await db.select().from(users).where(eq(users.email, normaliseEmail(email))).limit(1)
    if (!user?.passwordHash || !(await once(`verify\n${user.passwordHash}\n${password}`, () => verifyPassword(user.passwordHash, password)))) throw new Error('login failed: wrong email or password')
    if (signInRefusal(user) !== null || await isTwoFactorEnabled(db, user.id)) throw new Error('login failed: this account cannot sign in with a password alone; post the form (login)')
    const { token } = await createSession(db, user.id, { userAgent: '', ipAddress: randomIp(), signInMethod: 'password' }, new Date())
    return `${sessionCookieName(readConfig(env))}=${token}`
  })
}

export function get(path: string, cookie?: string, init: RequestInit & { htmx?: boolean } = {}) {
  const headers = new Headers(init.headers)
  if (cookie) headers.set('cookie', cookie)
  return request(path, { ...init, headers })
}

export function post(path: string, fields: Record<string, string>, cookie?: string, init: RequestInit & { htmx?: boolean } = {}) {
  const headers = new Headers(init.headers)
  if (cookie) headers.set('cookie', cookie)
  if (!headers.has('cf-connecting-ip')) headers.set('cf-connecting-ip', randomIp())
  return postForm(path, fields, { ...init, headers })
}

/**
 * Mocks only HIBP's range API (third-party HTTP). `breached` passwords are reported with a count; the
 * response is padded like the real API. Everything else goes to the real fetch.
 */
export function mockHibp(breached: string[] = []) {
  const original = globalThis.fetch
  const calls: string[] = []
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url
    // The production address the check falls back to: the fake follows the code, not a copy of its URL.
    if (!url.startsWith(`${HIBP_DEFAULT_BASE}/range/`)) return original(input, init)
    calls.push(url)
    const prefix = url.slice(-5)
    const lines = ['0018A45C4D1DEF81644B54AB7F969B88D65:0', '00D4F6E8FA6EECAD2A3AA415EEC418D38EC:2']
    for (const p of breached) {
      const digest = encodeHexUpperCase(sha1(new TextEncoder().encode(p)))
      if (digest.startsWith(prefix)) lines.push(`${digest.slice(5)}:12345`)
    }
    return new Response(lines.join('\r\n'), { status: 200 })
  })
  return { spy, calls }
}
