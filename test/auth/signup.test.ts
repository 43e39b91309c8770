/// <reference types="vite/client" />
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eq } from 'drizzle-orm'
import { emailVerifications, users } from '../../src/auth/schema'
import { emailDeliveries } from '../../src/email/schema'
import { withDb } from '../helpers/db'
import { postForm } from '../helpers/http'
import { PASSWORD, createTestUser, get, mockHibp, post, randomEmail, sessionCookieFrom } from './helpers'

beforeEach(() => { mockHibp(['password1234']) })
afterEach(() => vi.restoreAllMocks())

async function userRows(email: string) {
  return withDb((db) => db.select().from(users).where(eq(users.email, email)))
}

describe('signup', () => {
  it('creates an unverified account, signs it in and asks for verification', async () => {
    const email = randomEmail('signup')
    const res = await post('/signup', { name: 'Grace Hopper', email: email.toUpperCase(), password: PASSWORD })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/verify-email')
    const cookie = sessionCookieFrom(res)!
    const [row] = await userRows(email)
    expect(row).toMatchObject({ name: 'Grace Hopper', role: 'user', emailVerifiedAt: null })
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/)
    const page = await (await get('/verify-email', cookie)).text()
    expect(page).toContain(`We sent an 8-digit code and a link to ${email}`)
    const dash = await (await get('/dashboard', cookie)).text()
    expect(dash).toContain('Email not verified')
  })

  it.each([
    [{ name: 'A', email: 'not-an-email', password: PASSWORD }, 'Enter a valid email address'],
    [{ name: 'A', email: 'x@example.com', password: 'short' }, 'Use at least 8 characters.'],
    [{ name: 'A', email: 'x@example.com', password: 'x'.repeat(10_000) }, 'Use at most 256 characters.'],
    [{ name: '', email: 'x@example.com', password: PASSWORD }, 'Enter your name.'],
    [{ name: 'A', email: 'x@example.com', password: 'password1234' }, 'appeared in a known data breach'],
  ])('%# rejects bad input with 422 and a clear message, creating nothing', async (fields, message) => {
    const email = fields.email === 'x@example.com' ? randomEmail('bad') : fields.email
    const res = await post('/signup', { ...fields, email })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain(message)
    expect(sessionCookieFrom(res)).toBeNull()
    expect(await userRows(email)).toHaveLength(0)
  })

  it('accepts a 64-character Unicode passphrase with spaces', async () => {
    const pw = 'ünïcode pässphrase 🔐 '.repeat(4).slice(0, 64)
    const email = randomEmail()
    expect((await post('/signup', { name: 'U', email, password: pw })).status).toBe(303)
    const res = await post('/login', { email, password: pw })
    expect(res.status).toBe(303)
  })

  it('refuses a duplicate sign-up without touching the existing account', async () => {
    const existing = await createTestUser({ name: 'Original' })
    const res = await post('/signup', { name: 'Intruder', email: existing.email, password: 'another password 123' })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('An account with this email already exists')
    expect(sessionCookieFrom(res)).toBeNull()
    const [row] = await userRows(existing.email)
    expect(row!.name).toBe('Original')
    expect(row!.passwordHash).toBe(existing.passwordHash)
  })

  it('a duplicate sign-up answers like any other invalid form: 422, the same fragment, only the email error differs', async () => {
    const existing = await createTestUser()
    const fields = (email: string) => ({ name: 'Someone', email, password: 'another password 123' })
    const duplicate = await post('/signup', fields(existing.email.toUpperCase()), undefined, { htmx: true })
    const malformed = await post('/signup', fields('not-an-email'), undefined, { htmx: true })
    expect(duplicate.status).toBe(422)
    expect(malformed.status).toBe(422)
    const shape = (html: string) => html.replace(/<p class="help is-danger" id="field-email-error">[^<]*<\/p>/, '').replace(/value="[^"]*"/g, '').replace(/<li>.*?<\/li>/g, '')
    expect(shape(await duplicate.text())).toBe(shape(await malformed.text()))
    expect(sessionCookieFrom(duplicate)).toBeNull()
    // Nothing queued for either address, no verification issued to the existing account. Sign-up does all
    // its work before it answers (nothing in waitUntil), so there is nothing to wait for.
    const mails = await withDb((db) => db.select().from(emailDeliveries).where(eq(emailDeliveries.recipient, existing.email)))
    expect(mails).toHaveLength(0)
    expect(await withDb((db) => db.select().from(emailVerifications).where(eq(emailVerifications.userId, existing.id)))).toHaveLength(0)
  })

  // Timing equality is measured in bench/, not asserted here (no wall-time assertions in tests). What a test
  // can pin deterministically is the order that makes it true: createUser hashes the password before the
  // unique index decides, so a taken address costs the same argon2id as a new one.
  it('a duplicate sign-up costs a password hash like a new one: createUser hashes before the insert decides', () => {
    const source = Object.values(import.meta.glob('../../src/auth/user.ts', { query: '?raw', import: 'default', eager: true }))[0] as string
    const body = source.slice(source.indexOf('export async function createUser'))
    // The hashing is a dependency (tests pass a memo of it); the app's callers get argon2id itself.
    expect(body).toMatch(/^export async function createUser\([^)]*\bhash: \(password: string\) => Promise<string> = hashPassword\)/)
    const hashAt = body.indexOf('await hash(input.password)')
    expect(hashAt).toBeGreaterThan(0)
    expect(hashAt).toBeLessThan(body.indexOf('.onConflictDoNothing('))
    expect(body.slice(0, hashAt)).not.toMatch(/getUserByEmail|select\(/)
  })

  it('returns the form fragment to htmx on errors', async () => {
    const res = await post('/signup', { name: 'A', email: 'nope', password: PASSWORD }, undefined, { htmx: true })
    expect(res.status).toBe(422)
    expect(await res.text()).toMatch(/^<form id="signup-form"/)
  })

  it('refuses a cross-origin sign-up (checklist 14)', async () => {
    const email = randomEmail()
    const res = await postForm('/signup', { name: 'A', email, password: PASSWORD }, { headers: { origin: 'https://evil.example' } })
    expect(res.status).toBe(403)
    expect(await userRows(email)).toHaveLength(0)
  })
})
