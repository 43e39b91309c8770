/// <reference types="vite/client" />
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { request } from '../helpers/http'
import { createTestUser, loginCookie, mockHibp, randomIp } from '../auth/helpers'

/**
 * Issue 7 "one form path" and issue 9 findings 5 and 6: a body that cannot be one of our forms gets a
 * clear 4xx naming the field — never a 500, and never a NUL byte handed to Postgres. Table-driven over
 * every form route; the table is checked against the source so a new form route cannot be left out.
 */
interface FormRoute {
  path: string
  // A text field of this form: the one the malformed value goes into.
  field: string
  signedIn?: boolean
}

const FORM_ROUTES: FormRoute[] = [
  { path: '/contact', field: 'name' },
  { path: '/signup', field: 'name' },
  { path: '/login', field: 'email' },
  { path: '/forgot-password', field: 'email' },
  { path: '/reset-password', field: 'password' },
  { path: '/verify-email', field: 'code', signedIn: true },
  { path: '/settings/name', field: 'name', signedIn: true },
  { path: '/settings/email', field: 'email', signedIn: true },
  { path: '/settings/password', field: 'new_password', signedIn: true },
  { path: '/settings/delete', field: 'delete_current_password', signedIn: true },
  { path: '/login/two-factor', field: 'code' },
  { path: '/settings/two-factor/start', field: 'two-factor-start-password', signedIn: true },
  { path: '/settings/two-factor/enable', field: 'code', signedIn: true },
  { path: '/settings/two-factor/recovery-codes', field: 'two-factor-recovery-password', signedIn: true },
  { path: '/settings/two-factor/disable', field: 'two-factor-disable-password', signedIn: true },
  { path: '/billing/checkout', field: 'plan', signedIn: true },
  { path: '/billing/change', field: 'plan', signedIn: true },
  // Files (issue 12): the id is checked after the form, so a literal ':id' still reaches the form reader.
  { path: '/files/:id/rename', field: 'name', signedIn: true },
  { path: '/files/:id/move', field: 'projectId', signedIn: true },
  { path: '/files/:id/delete', field: 'back', signedIn: true },
  { path: '/files/projects', field: 'name', signedIn: true },
  { path: '/files/projects/:id/rename', field: 'name', signedIn: true },
  // Passkeys (issue 22): adding and signing in are JSON (test/passkeys), these two are forms.
  { path: '/passkeys/rename', field: 'name', signedIn: true },
  { path: '/passkeys/remove', field: 'id', signedIn: true },
  // Sign-in with GitHub/Google (issue 22): the form is read before the provider in the path is checked.
  { path: '/oauth/:provider', field: 'next' },
  { path: '/oauth/link', field: 'token' },
]

// POST routes that read no field but still cap their body like every auth route (issue 9: an oversized
// body gets 413 everywhere); malformed-field checks do not apply to them.
const FIELDLESS_ROUTES = ['/logout', '/settings/sessions/:id/revoke', '/settings/sessions/revoke-others', '/verify-email/resend', '/billing/portal', '/billing/subscription/cancel', '/billing/subscription/resume', '/files/projects/:id/delete', '/settings/oauth/:provider/link', '/settings/oauth/:provider/unlink']

const sources = import.meta.glob('../../src/**/*.{ts,tsx}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>

describe('the route table is complete', () => {
  it('lists exactly the POST routes that take a form (declared with formBodyLimit)', () => {
    const declared = new Set<string>()
    for (const [file, text] of Object.entries(sources)) {
      if (file.endsWith('platform/forms.ts')) continue // its usage comment shows the pattern
      for (const m of text.matchAll(/\.post\(\s*'([^']+)',(?:\s|\/\/[^\n]*\n)*formBodyLimit\(/g)) declared.add(m[1]!)
    }
    expect(declared.size).toBeGreaterThanOrEqual(10)
    const fieldless = new Set(FIELDLESS_ROUTES)
    expect([...declared].filter((p) => !fieldless.has(p)).sort()).toEqual(FORM_ROUTES.map((r) => r.path).sort())
  })

  it('every handler that reads a form sits behind formBodyLimit, and nothing parses bodies another way', () => {
    for (const [file, text] of Object.entries(sources)) {
      if (file.endsWith('platform/forms.ts')) continue
      expect(text, file).not.toMatch(/parseBody\(|\.formData\(|hono\/body-limit/)
      const reads = (text.match(/await readForm\(c\)/g) ?? []).length
      const limited = (text.match(/formBodyLimit\(/g) ?? []).length
      if (reads > 0) expect(limited, `${file}: readForm without formBodyLimit`).toBeGreaterThan(0)
    }
  })
})

const BOUNDARY = '----qs-test-boundary'

function multipart(parts: Record<string, string>, { terminated = true } = {}): string {
  const body = Object.entries(parts)
    .map(([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
    .join('')
  return terminated ? `${body}--${BOUNDARY}--\r\n` : body.slice(0, -2)
}

interface MalformedCase {
  name: string
  contentType: string
  body: (field: string) => string
  status: number
  // What the answer must say: the field's name, or the problem.
  says: (field: string) => RegExp
}

const CASES: MalformedCase[] = [
  {
    name: 'a NUL byte in a text field (urlencoded)',
    contentType: 'application/x-www-form-urlencoded',
    body: (field) => new URLSearchParams({ [field]: 'Ann\u0000ouk', other: 'x' }).toString(),
    status: 400,
    says: (field) => new RegExp(`“${field}”.*control character`),
  },
  {
    name: 'a NUL byte in a text field (multipart)',
    contentType: `multipart/form-data; boundary=${BOUNDARY}`,
    body: (field) => multipart({ [field]: 'a\u0000b' }),
    status: 400,
    says: (field) => new RegExp(`“${field}”.*control character`),
  },
  {
    name: 'another control character (ESC) in a text field',
    contentType: 'application/x-www-form-urlencoded',
    body: (field) => `${field}=a%1Bb`,
    status: 400,
    says: (field) => new RegExp(`“${field}”.*control character`),
  },
  {
    name: 'invalid percent-encoding',
    contentType: 'application/x-www-form-urlencoded',
    body: (field) => `${field}=100%25%ZZ&other=1`,
    status: 400,
    says: (field) => new RegExp(`“${field}”.*not valid URL encoding`),
  },
  {
    name: 'percent-encoded bytes that are not UTF-8',
    contentType: 'application/x-www-form-urlencoded',
    body: (field) => `${field}=%C3%28`,
    status: 400,
    says: (field) => new RegExp(`“${field}”.*not valid URL encoding`),
  },
  {
    name: 'a broken multipart body (never terminated)',
    contentType: `multipart/form-data; boundary=${BOUNDARY}`,
    body: (field) => multipart({ [field]: 'x' }, { terminated: false }),
    status: 400,
    says: () => /multipart body is malformed/,
  },
  {
    name: 'multipart without a boundary',
    contentType: 'multipart/form-data',
    body: (field) => `${field}=x`,
    status: 400,
    says: () => /multipart body is malformed/,
  },
  {
    name: 'a JSON body',
    contentType: 'application/json',
    body: (field) => JSON.stringify({ [field]: 'x' }),
    status: 415,
    says: () => /application\/x-www-form-urlencoded or multipart\/form-data/,
  },
  {
    name: 'a text/plain body',
    contentType: 'text/plain',
    body: (field) => `${field}=x`,
    status: 415,
    says: () => /application\/x-www-form-urlencoded or multipart\/form-data/,
  },
  {
    name: 'an oversized body',
    contentType: 'application/x-www-form-urlencoded',
    body: (field) => `${field}=${'a'.repeat(70 * 1024)}`,
    status: 413,
    says: () => /too large/i,
  },
]

let cookie = ''

beforeAll(async () => {
  const user = await createTestUser()
  cookie = await loginCookie(user.email, user.password)
}, 60_000)
beforeEach(() => { mockHibp() })
afterEach(() => vi.restoreAllMocks())

describe.each(FORM_ROUTES)('POST $path', (route) => {
  it.each(CASES)('$name → $status naming the problem, never a 5xx', async (malformed) => {
    const headers: Record<string, string> = { 'content-type': malformed.contentType, 'cf-connecting-ip': randomIp() }
    if (route.signedIn) headers.cookie = cookie
    const res = await request(route.path, { method: 'POST', headers, body: malformed.body(route.field) })
    const text = await res.text()
    expect(res.status, text.slice(0, 300)).toBe(malformed.status)
    expect(text).toMatch(malformed.says(route.field))
  })

  it('the htmx variant answers the same status with a fragment for the flash region', async () => {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': randomIp() }
    if (route.signedIn) headers.cookie = cookie
    const res = await request(route.path, { method: 'POST', headers, body: `${route.field}=x%00y`, htmx: true })
    expect(res.status).toBe(400)
    expect(res.headers.get('hx-retarget')).toBe('#flash-region')
    const text = await res.text()
    expect(text).not.toContain('<html')
    expect(text).toContain(`“${route.field}”`)
  })
})
