import { describe, expect, it } from 'vitest'
import { createTestUser, get, loginCookie, post } from '../auth/helpers'
import { env } from 'cloudflare:workers'
import { consumeBucket } from '../../src/auth'
import { features } from '../../src/index'
import { ADMIN_ACTION_LIMIT } from '../../src/admin/http'
import { signedInAdmin } from './helpers'

// Every route under /admin, read from the routers of every feature the app is made of — not a
// hand-written list, and not only admin's own — so a route any feature adds later under /admin without
// the gate fails here (issue 13, security checklist 34; issue 19: usage's /admin/usage/*).
function adminRoutesFromRouter(): Array<{ method: string; path: string; feature: string }> {
  const seen = new Map<string, { method: string; path: string; feature: string }>()
  for (const feature of features) {
    for (const r of feature.routes?.routes ?? []) {
      if (r.method === 'ALL' || !/^\/admin(\/|$)/.test(r.path)) continue
      seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path, feature: feature.name })
    }
  }
  return [...seen.values()]
}

const withIds = (path: string, id: string) => path.replace(/:[A-Za-z]*[iI]d\b/g, id)

// Valid-looking fields for every action, so that an admin's answer is about the (missing) target.
const FIELDS = { role: 'user', handled: 'yes', reply: 'Thank you for writing.', confirm_email: 'nobody@example.com', password: 'not the password' }

describe('every /admin route', () => {
  const routes = adminRoutesFromRouter()

  it('the router lists the admin pages and actions (the enumeration is not empty)', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`)
    expect(keys).toEqual(expect.arrayContaining(['GET /admin', 'GET /admin/users', 'GET /admin/users/:id', 'POST /admin/users/:id/deactivate', 'GET /admin/audit',
      'POST /admin/usage/:userId/adjust', 'POST /admin/usage/:userId/reset']))
    expect(routes.length).toBeGreaterThanOrEqual(16)
    // Routes contributed by other features are in the enumeration too.
    expect(new Set(routes.map((r) => r.feature))).toContain('usage')
  })

  it('anonymous → log in, a plain user → 403, an admin → 200 (GET) or not refused (POST); always no-store', async () => {
    const user = await createTestUser()
    const userCookie = await loginCookie(user.email)
    const { cookie: adminCookie } = await signedInAdmin()
    // A real user for GET pages; actions go to an id that does not exist, so an admin's answer is a 404
    // (authorised, nothing to act on) and nothing changes.
    const missing = crypto.randomUUID()
    for (const { method, path } of routes) {
      const target = method === 'GET' ? user.id : missing
      const url = withIds(path, target)
      const send = (cookie?: string) => (method === 'GET' ? get(url, cookie) : post(url, FIELDS, cookie))
      const label = `${method} ${path}`

      const anonymous = await send()
      expect(anonymous.status, label).toBe(303)
      expect(anonymous.headers.get('location'), label).toMatch(/^\/login\?next=/)
      expect(anonymous.headers.get('cache-control'), label).toBe('no-store')

      const plain = await send(userCookie)
      expect(plain.status, label).toBe(403)
      expect(plain.headers.get('cache-control'), label).toBe('no-store')

      const admin = await send(adminCookie)
      expect(admin.headers.get('cache-control'), label).toBe('no-store')
      if (method === 'GET') expect(admin.status, label).toBe(200)
      // Past the gate: 404 (no such id). Impersonation re-authenticates first (the attempt counts), then
      // answers a wrong password with the target's form, so no such target is 404 there too. An action on
      // no id (a site setting) refuses the form's unknown value with 422. The gate itself only ever
      // answers 303 or 403.
      else expect(admin.status, label).toBe(path.includes(':') ? 404 : 422)
    }
  })
})

describe('every /admin action', () => {
  it('is behind the admin throttle: an admin whose budget is spent gets 429 with Retry-After, whichever feature added it', async () => {
    const { admin, cookie } = await signedInAdmin()
    for (let i = 0; i < ADMIN_ACTION_LIMIT.max; i++) await consumeBucket(env, `admin:${admin.id}`, ADMIN_ACTION_LIMIT, new Date())
    const actions = adminRoutesFromRouter().filter((r) => r.method === 'POST')
    expect(actions.length).toBeGreaterThan(0)
    for (const { path } of actions) {
      const res = await post(withIds(path, crypto.randomUUID()), FIELDS, cookie)
      expect(res.status, path).toBe(429)
      expect(Number(res.headers.get('retry-after')), path).toBeGreaterThan(0)
    }
  })
})
