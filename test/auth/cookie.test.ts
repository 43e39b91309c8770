import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { Hono } from 'hono'
import worker from '../../src/index'
import { describe, expect, it } from 'vitest'
import { setSessionCookie, sessionCookieName } from '../../src/auth/session'
import type { AppEnv } from '../../src/platform/types'
import { PASSWORD, createTestUser, randomIp } from './helpers'

async function cookieFor(environment: string): Promise<string> {
  const app = new Hono<AppEnv>().get('/', (c) => {
    const now = new Date()
    setSessionCookie(c, 'id.secret', new Date(now.getTime() + 3600_000), now)
    return c.text('ok')
  })
  const res = await app.request('/', {}, { ...env, ENVIRONMENT: environment } as Env)
  return res.headers.get('set-cookie')!
}

describe('session cookie attributes (checklist 9)', () => {
  it('production: __Host- prefix, Secure, HttpOnly, SameSite=Lax, Path=/, explicit Max-Age, no Domain', async () => {
    const header = await cookieFor('production')
    expect(sessionCookieName({ isProduction: true })).toBe('__Host-session')
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

// The real worker (src/index.tsx default export) with production settings: the whole middleware chain,
// login route and session loading, not a stand-in app.
describe('production session cookie through the real worker (checklist 9)', () => {
  const ORIGIN = 'https://app.example'
  const prodEnv = { ...env, ENVIRONMENT: 'production', APP_URL: ORIGIN } as Env

  async function prodFetch(path: string, init: RequestInit = {}) {
    const ctx = createExecutionContext()
    const headers = new Headers(init.headers)
    if (init.method === 'POST') headers.set('origin', ORIGIN)
    const res = await worker.fetch(new Request(new URL(path, ORIGIN), { ...init, headers, redirect: 'manual' }), prodEnv, ctx)
    await waitOnExecutionContext(ctx)
    return res
  }

  it('login sets `__Host-session; Secure; HttpOnly; SameSite=Lax; Path=/; Max-Age`, logout clears it the same way', async () => {
    const user = await createTestUser()
    const res = await prodFetch('/login', {
      method: 'POST',
      headers: { 'cf-connecting-ip': randomIp(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: user.email, password: PASSWORD }),
    })
    expect(res.status).toBe(303)
    const [header, ...others] = res.headers.getSetCookie().filter((c) => /session=/.test(c))
    expect(others).toEqual([])
    expect(header).toMatch(/^__Host-session=[a-z2-7]{24}\.[a-z2-7]{32};/)
    const attrs = header!.split(';').slice(1).map((a) => a.trim())
    expect(attrs).toEqual(expect.arrayContaining(['Max-Age=604800', 'Path=/', 'HttpOnly', 'Secure', 'SameSite=Lax']))
    expect(header).not.toMatch(/Domain=/i)
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains')

    const cookie = header!.split(';')[0]!
    expect((await prodFetch('/dashboard', { headers: { cookie } })).status).toBe(200)
    // The unprefixed name is not read in production: a cookie planted by a sibling subdomain is ignored.
    const token = cookie.split('=')[1]!
    expect((await prodFetch('/dashboard', { headers: { cookie: `session=${token}` } })).status).toBe(303)

    const out = await prodFetch('/logout', { method: 'POST', headers: { cookie } })
    expect(out.status).toBe(303)
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith('__Host-session='))!
    // Browsers ignore a __Host- cookie (even a deletion) without Secure and Path=/.
    expect(cleared).toMatch(/^__Host-session=;/)
    expect(cleared).toContain('Max-Age=0')
    expect(cleared).toContain('Secure')
    expect(cleared).toContain('Path=/')
    expect((await prodFetch('/dashboard', { headers: { cookie } })).status).toBe(303)
  })
})
