import { afterEach, describe, expect, it } from 'vitest'
// Loaded with the file: transforming the whole Worker on first use is slow on a busy machine.
import '../../src/index'
import { users } from '../../src/auth/schema'
import { createSession } from '../../src/auth/session'
import { randomEmail } from '../auth/helpers'
import { withDb } from '../helpers/db'
import { countDatabaseRoundTrips } from '../helpers/round-trips'

// Issue 8's budget on the admin pages (issue 13): the session is one trip, the page's own queries run
// together (panels, sections, profile + sessions) and make at most one more.
async function adminCookie() {
  return withDb(async (db) => {
    const [admin] = await db.insert(users).values({ email: randomEmail('budget-admin'), name: 'Budget Admin', passwordHash: 'unused', role: 'admin', emailVerifiedAt: new Date() }).returning()
    const { token } = await createSession(db, admin!.id, {}, new Date())
    return { id: admin!.id, cookie: `session=${token}` }
  })
}

let counter: ReturnType<typeof countDatabaseRoundTrips> | null = null
afterEach(() => {
  counter?.restore()
  counter = null
})

describe('database round trips per admin page', () => {
  it('every admin page stays within 2 round trips', async () => {
    const { id, cookie } = await adminCookie()
    for (const path of ['/admin', '/admin/users', '/admin/users?q=budget&verified=yes', `/admin/users/${id}`, '/admin/messages', '/admin/mail', '/admin/audit', '/admin/audit?email=budget-admin']) {
      counter = countDatabaseRoundTrips()
      const res = await counter.page(path, cookie)
      expect(res.status, path).toBe(200)
      const detail = `round trips for ${path}: ${JSON.stringify({ http: counter.http, sockets: counter.sockets })}`
      expect(counter.total, detail).toBeGreaterThanOrEqual(1)
      expect(counter.total, detail).toBeLessThanOrEqual(2)
      counter.restore()
      counter = null
    }
  })
})
