import { describe, expect, it } from 'vitest'
import { createTestUser, get, loginCookie, post } from '../auth/helpers'
import { adminFeature } from '../../src/admin'
import { signedInAdmin } from './helpers'

// Every route under /admin, read from the admin feature's router — not a hand-written list — so a route
// added later without the gate fails here (issue 13, security checklist 34).
function adminRoutesFromRouter(): Array<{ method: string; path: string }> {
  const seen = new Map<string, { method: string; path: string }>()
  for (const r of adminFeature.routes!.routes) {
    if (r.method === 'ALL' || !r.path.startsWith('/admin')) continue
    seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path })
  }
  return [...seen.values()]
}

// Valid-looking fields for every action, so that an admin's answer is about the (missing) target.
const FIELDS = { role: 'user', handled: 'yes', reply: 'Thank you for writing.', confirm_email: 'nobody@example.com', password: 'not the password' }

describe('every /admin route', () => {
  const routes = adminRoutesFromRouter()

  it('the router lists the admin pages and actions (the enumeration is not empty)', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`)
    expect(keys).toEqual(expect.arrayContaining(['GET /admin', 'GET /admin/users', 'GET /admin/users/:id', 'POST /admin/users/:id/deactivate', 'GET /admin/audit']))
    expect(routes.length).toBeGreaterThanOrEqual(14)
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
      const url = path.replace(':id', target)
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
      // Past the gate: 404 (no such id), or 401 where the action first asks for the admin's password
      // (impersonation re-authenticates before it looks at the target). The gate itself only ever
      // answers 303 or 403.
      else expect(path.endsWith('/impersonate') ? [401] : [404], label).toContain(admin.status)
    }
  })
})
