import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPasswordResetToken } from '../../src/auth/password-reset'
import { withDb } from '../helpers/db'
import { createTestUser, get, loginCookie, mockHibp, post } from './helpers'

beforeEach(() => { mockHibp() })
afterEach(() => vi.restoreAllMocks())

/** Structural checks a screen reader depends on: one h1, every visible control labelled, errors tied. */
function checkAccessible(html: string, page: string) {
  expect(html.match(/<h1[\s>]/g) ?? [], `${page}: exactly one h1`).toHaveLength(1)
  const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]))
  const labelled = new Set([...html.matchAll(/<label[^>]*\sfor="([^"]+)"/g)].map((m) => m[1]))
  for (const [input] of html.matchAll(/<input\b[^>]*>/g)) {
    if (/type="hidden"/.test(input)) continue
    const id = /\sid="([^"]+)"/.exec(input)?.[1]
    expect(id && labelled.has(id), `${page}: ${input} has a <label for>`).toBe(true)
    if (/aria-invalid="true"/.test(input)) {
      const describedBy = /aria-describedby="([^"]+)"/.exec(input)?.[1]?.split(' ') ?? []
      expect(describedBy.some((d) => d.endsWith('-error') && ids.has(d)), `${page}: ${input} points at its error`).toBe(true)
    }
  }
  for (const [button] of html.matchAll(/<button\b[^>]*>([^<]*)<\/button>/g)) expect(button.replace(/<[^>]+>/g, '').trim(), `${page}: named button`).not.toBe('')
}

describe('auth pages are accessible (labels, one h1, errors tied with aria-describedby)', () => {
  it('blank pages', async () => {
    const user = await createTestUser({ verified: false })
    const cookie = await loginCookie(user.email)
    const { token } = await withDb((db) => createPasswordResetToken(db, user.id, new Date()))
    for (const [path, withCookie] of [
      ['/signup', undefined], ['/login', undefined], ['/forgot-password', undefined], [`/reset-password?token=${token}`, undefined],
      ['/verify-email', cookie], ['/verify-email?token=x', undefined], ['/settings', cookie], ['/dashboard', cookie],
    ] as const) {
      const res = await get(path, withCookie)
      expect(res.status, path).toBe(200)
      checkAccessible(await res.text(), path)
    }
  })

  it('pages with errors tie each message to its field', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const cases: [string, Record<string, string>, string | undefined, string][] = [
      ['/signup', { name: '', email: 'nope', password: 'short' }, undefined, 'field-email'],
      ['/settings/password', { current_password: 'x', new_password: 'short' }, cookie, 'field-new_password'],
      ['/settings/email', { email: 'nope', email_current_password: '' }, cookie, 'field-email'],
    ]
    for (const [path, fields, withCookie, field] of cases) {
      const res = await post(path, fields, withCookie)
      expect(res.status, path).toBe(422)
      const html = await res.text()
      checkAccessible(html, path)
      expect(html).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"[^>]*aria-describedby="${field}-error`))
    }
    // Form-level messages (generic login failure, throttling) are announced as alerts.
    const login = await post('/login', { email: user.email, password: 'wrong password' })
    expect(await login.text()).toMatch(/role="alert"[^>]*>\s*Incorrect email or password\./)
  })
})
