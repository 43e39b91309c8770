import { describe, expect, it } from 'vitest'
import { safeNextPath } from '../../src/auth/redirect'
import { PASSWORD, createTestUser, get, login, loginCookie } from './helpers'

// Checklist 17 (Copenhagen open-redirect). `c.req.query` decodes once, so the "encoded" cases below are what
// the handler sees after one round of decoding of a doubly-encoded URL, and the raw ones are sent encoded.
const HOSTILE = [
  'https://evil.example', 'http:evil.example', '//evil.example', '///evil.example', '/\\evil.example', '\\\\evil.example',
  'javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' /dashboard', '/\t/evil.example', '/\n/evil.example',
  // Dot segments collapse during URL resolution into a protocol-relative `//evil.example`.
  '/.//evil.example', '/..//evil.example', '/a/..//evil.example', '/%2e//evil.example', '/%2e%2e//evil.example',
  // Percent-encoded after one decoding: not a path at all.
  '%2F%2Fevil.example', '%2f%5cevil.example', 'https%3A%2F%2Fevil.example',
]

describe('safeNextPath (checklist 17)', () => {
  it.each(HOSTILE)('%j falls back to the dashboard', (next) => {
    expect(safeNextPath(next)).toBe('/dashboard')
  })

  it.each([
    ['/settings', '/settings'], ['/settings?tab=password#x', '/settings?tab=password#x'],
    // Still encoded after decoding: stays a path on our origin (a browser does not decode %2F in Location).
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'], ['/a/../settings', '/settings'],
  ])('%j is kept as %j', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected)
  })

  it('ignores non-strings and absurd lengths', () => {
    expect(safeNextPath(undefined)).toBe('/dashboard')
    expect(safeNextPath(['/settings'])).toBe('/dashboard')
    expect(safeNextPath(`/${'a'.repeat(1000)}`)).toBe('/dashboard')
  })
})

describe('next= through the real routes', () => {
  it.each([
    'https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '/.//evil.example', '/%2e%2e//evil.example',
  ])('login with next=%j lands on /dashboard', async (next) => {
    const user = await createTestUser()
    const res = await login(user.email, PASSWORD, { next })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/dashboard')
  })

  it('a doubly-encoded next= is sent raw in the query string and still lands on /dashboard', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    for (const raw of ['%2F%2Fevil.example', '%252F%252Fevil.example', '%2F.%2F%2Fevil.example', '%2F%5Cevil.example']) {
      const res = await get(`/login?next=${raw}`, cookie)
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toBe('/dashboard')
    }
  })
})
