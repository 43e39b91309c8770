import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { loadSession, requireAdmin, requireUser, requireVerified } from '../../src/auth/guards'
import { database, requestContext } from '../../src/platform/middleware'
import { layoutRenderer } from '../../src/platform/layout'
import type { AppEnv } from '../../src/platform/types'
import { createTestUser, get, loginCookie } from './helpers'

// A stand-in for the billing/files/admin features that will use the guards.
const app = new Hono<AppEnv>()
  .use(requestContext, layoutRenderer, database, loadSession)
  .get('/paid', requireVerified, (c) => c.text('paid area'))
  .get('/admin-only', requireAdmin, (c) => c.text('admin area'))
  .get('/mine', requireUser, (c) => c.text(`hello ${c.get('user')!.id}`))

async function call(path: string, cookie?: string, headers: Record<string, string> = {}) {
  const ctx = createExecutionContext()
  const res = await app.request(path, { headers: { ...headers, ...(cookie ? { cookie } : {}) } }, env, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

describe('role and verification guards', () => {
  it('requireUser sends anonymous visitors to /login?next=<path>, htmx via HX-Redirect', async () => {
    const res = await call('/mine?x=1')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login?next=%2Fmine%3Fx%3D1')
    const hx = await call('/mine', undefined, { 'hx-request': 'true', 'hx-current-url': 'http://localhost/settings' })
    expect(hx.status).toBe(401)
    expect(hx.headers.get('hx-redirect')).toBe('/login?next=%2Fsettings')
  })

  it('requireVerified shows a clear "verify your email" page to unverified users', async () => {
    const unverified = await createTestUser({ verified: false })
    const res = await call('/paid', await loginCookie(unverified.email))
    expect(res.status).toBe(403)
    const html = await res.text()
    expect(html).toContain('Verify your email first')
    expect(html).toContain('href="/verify-email"')
    const verified = await createTestUser()
    expect(await (await call('/paid', await loginCookie(verified.email))).text()).toBe('paid area')
  })

  it('requireAdmin answers 403 to users and lets admins in', async () => {
    const user = await createTestUser()
    const admin = await createTestUser({ role: 'admin' })
    const denied = await call('/admin-only', await loginCookie(user.email))
    expect(denied.status).toBe(403)
    expect(await denied.text()).toContain('You do not have permission')
    expect(await (await call('/admin-only', await loginCookie(admin.email))).text()).toBe('admin area')
    expect((await call('/admin-only')).status).toBe(303)
  })

  it('the navbar shows what the role allows', async () => {
    const user = await createTestUser({ name: 'Nav User' })
    const admin = await createTestUser({ role: 'admin' })
    const anon = await (await get('/')).text()
    expect(anon).toContain('href="/signup"')
    expect(anon).not.toContain('href="/dashboard"')
    // The public site leads a signed-in person into the app; the app shell holds the rest.
    const userCookie = await loginCookie(user.email)
    const userHome = await (await get('/', userCookie)).text()
    expect(userHome).toContain('href="/dashboard"')
    const userApp = await (await get('/dashboard', userCookie)).text()
    expect(userApp).toContain('action="/logout"')
    expect(userApp).not.toContain('href="/admin"')
    expect(await (await get('/dashboard', await loginCookie(admin.email))).text()).toContain('href="/admin"')
  })
})
