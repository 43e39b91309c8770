import { afterEach, describe, expect, it } from 'vitest'
// Loaded with the file, not inside the first test: transforming the whole Worker on first use takes longer
// than a test's timeout on a busy machine.
import '../../src/index'
import { sql } from 'drizzle-orm'
import { users } from '../../src/auth/schema'
import { createSession, validateSessionToken } from '../../src/auth/session'
import { get, randomEmail } from '../auth/helpers'
import { withDb } from '../helpers/db'
import { countDatabaseRoundTrips } from '../helpers/round-trips'

// Issue 8: on the edge every database round trip is a long-distance trip, so each signed-in page has a
// budget: one trip for the session and the viewer, at most one more for the page's own data (batched).
// Counted at the transport (fetch to the SQL endpoint, WebSockets opened), not by counting our own calls.
const BUDGETS: Array<[path: string, budget: number]> = [
  ['/dashboard', 2],
  ['/settings', 2],
  ['/billing', 2],
  ['/usage', 2],
  ['/settings/api-keys', 2],
  ['/files', 2],
  ['/admin', 2],
  ['/admin/users', 2],
  // Names and emails of every person on the page come from the page's own query (issue 20).
  ['/admin/audit?email=budget', 2],
]

// A user row and a session straight from the database and the service: this file measures pages, not the
// login (tested elsewhere) nor password hashing, whose first run in a file is slow on a busy machine.
async function signedInCookie(role: 'user' | 'admin' = 'user') {
  return withDb(async (db) => {
    const [user] = await db.insert(users).values({ email: randomEmail('budget'), name: 'Budget Test', passwordHash: 'unused', role, emailVerifiedAt: new Date() }).returning()
    const { token } = await createSession(db, user!.id, {}, new Date())
    return { user: user!, cookie: `session=${token}` }
  })
}

let counter: ReturnType<typeof countDatabaseRoundTrips> | null = null
afterEach(() => {
  counter?.restore()
  counter = null
})

describe('database round trips per signed-in page', () => {
  it.each(BUDGETS)('GET %s stays within %i round trips', async (path, budget) => {
    const { cookie } = await signedInCookie('admin')
    // Steady state: an account's first metered page also hands its plan to the usage meter (one more trip,
    // once per account and period: docs/performance.md), so the page is opened once before counting.
    await (await get(path, cookie)).text()
    counter = countDatabaseRoundTrips()
    const res = await counter.page(path, cookie)
    expect(res.status).toBe(200)
    // The session lookup alone is one: a count of zero would mean the counter missed the transport.
    expect(counter.total, `round trips for ${path}: ${JSON.stringify({ http: counter.http, sockets: counter.sockets }, null, 1)}`).toBeGreaterThanOrEqual(1)
    expect(counter.total, `round trips for ${path}: ${JSON.stringify({ http: counter.http, sockets: counter.sockets }, null, 1)}`).toBeLessThanOrEqual(budget)
    expect(counter.sockets).toEqual([])
  })

  it('the session, its user and the viewer come back in one query', async () => {
    const { cookie } = await signedInCookie()
    counter = countDatabaseRoundTrips()
    // A page with no data of its own (the dashboard's cards are its second trip): only the navbar's viewer.
    const { status, html } = await counter.page('/about', cookie)
    expect(status).toBe(200)
    expect(html).toContain('href="/dashboard"') // signed-in navigation: the viewer was loaded
    expect(html).not.toContain('href="/signup"')
    expect(counter.total).toBe(1)
  })

  it('viewer fields of features come back in the same query as the session', async () => {
    const { user, cookie } = await signedInCookie('admin')
    const token = cookie.slice('session='.length)
    await withDb(async (db) => {
      counter = countDatabaseRoundTrips()
      const result = await counter.measure(() => validateSessionToken(db, token, new Date(), {
        viewerFields: { isAdmin: (userId) => sql<boolean>`exists(select 1 from users u where u.id = ${userId} and u.role = 'admin')` },
      }))
      expect(result.user?.id).toBe(user.id)
      expect(result.extras).toEqual({ isAdmin: true })
      expect(counter.total).toBe(1)
    })
  })

  it('a visitor costs no round trip on a public page', async () => {
    // The home page's plan teaser reads billing's catalogue, which each isolate keeps for a minute
    // (src/billing/plans.ts listPlansForDisplay): the first visit loads it, the next ones cost nothing.
    await (await get('/')).text()
    counter = countDatabaseRoundTrips()
    const res = await counter.page('/')
    expect(res.status).toBe(200)
    expect(counter.total).toBe(0)
  })
})
