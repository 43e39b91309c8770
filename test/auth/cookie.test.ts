import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { setSessionCookie, sessionCookieName } from '../../src/auth/session'
import type { AppEnv } from '../../src/platform/types'

async function cookieFor(environment: string): Promise<string> {
  const app = new Hono<AppEnv>().get('/', (c) => {
    const now = new Date()
    setSessionCookie(c, 'id.secret', new Date(now.getTime() + 3600_000), now)
    return c.text('ok')
  })
  const res = await app.request('/', {}, { ENVIRONMENT: environment } as Env)
  return res.headers.get('set-cookie')!
}

describe('session cookie attributes (checklist 9)', () => {
  it('production: __Host- prefix, Secure, HttpOnly, SameSite=Lax, Path=/, explicit Max-Age, no Domain', async () => {
    const header = await cookieFor('production')
    expect(sessionCookieName({ ENVIRONMENT: 'production' })).toBe('__Host-session')
    expect(header).toMatch(/^__Host-session=id\.secret;/)
    for (const attr of ['Secure', 'HttpOnly', 'SameSite=Lax', 'Path=/', 'Max-Age=3600']) expect(header).toContain(attr)
    expect(header).not.toMatch(/Domain=/i)
  })

  it('development and test: plain `session` (http://127.0.0.1 cannot keep Secure cookies everywhere)', async () => {
    const header = await cookieFor('development')
    expect(header).toMatch(/^session=id\.secret;/)
    expect(header).not.toContain('Secure')
    expect(header).toContain('HttpOnly')
  })
})
