import { afterEach, describe, expect, it, vi } from 'vitest'
// Loaded with the file: the pages below go through this module's Worker, whose per-isolate memory of
// sessions (src/auth/predicted-sessions.ts) is the one under test.
import '../../src/index'
import { eq } from 'drizzle-orm'
import { sessions, users } from '../../src/auth/schema'
import { isSameValidation, predictSession, rememberValidation } from '../../src/auth/predicted-sessions'
import { createSession, TOUCH_INTERVAL_MS, validateSessionToken } from '../../src/auth/session'
import { generateSecureRandomString, LINK_TOKEN_BYTES } from '../../src/auth/tokens'
import { requestSettled } from '../helpers/http'
import { withDb } from '../helpers/db'
import { countDatabaseRoundTrips } from '../helpers/round-trips'
import { createTestUser } from './helpers'

// ADR 0106: a read-only page of a session this isolate has seen is rendered in the session lookup's round
// trip, and kept only when the lookup returns exactly what was assumed. Each test changes the session or its
// user between two views, in the database only (as another isolate or an admin would), and checks the
// second view answers as a cold isolate would.

async function signedIn(name = 'Predicted Person', role: 'user' | 'admin' = 'user') {
  const user = await createTestUser({ name, role })
  const { token, session } = await withDb((db) => createSession(db, user.id, {}, new Date()))
  return { user, session, token, cookie: `session=${token}` }
}

const view = async (path: string, cookie: string) => {
  const res = await requestSettled(path, { headers: { cookie } })
  return { res, html: await res.text() }
}

let counter: ReturnType<typeof countDatabaseRoundTrips> | null = null
afterEach(() => {
  counter?.restore()
  counter = null
})

describe('pages rendered in the session lookup’s round trip', () => {
  // Every page marked readsOnly (ADR 0106). Verified, as /settings/api-keys requires.
  it.each(['/dashboard', '/settings', '/billing', '/settings/api-keys'])('a repeat view of %s takes one round trip; the first takes two', async (path) => {
    const { cookie } = await signedIn()
    counter = countDatabaseRoundTrips()
    expect((await counter.page(path, cookie)).status).toBe(200)
    expect(counter.total).toBe(2)
    counter.restore()
    counter = countDatabaseRoundTrips()
    const again = await counter.page(path, cookie)
    expect(again.status).toBe(200)
    expect(again.html).toContain('Predicted Person')
    // One POST to the SQL endpoint, carrying the session lookup and the page's own queries.
    expect(counter.http).toHaveLength(1)
    const batch = JSON.parse(counter.http[0]!) as { queries: Array<{ query: string }> }
    expect(batch.queries.length).toBeGreaterThan(1)
    expect(batch.queries[0]!.query).toContain('from "sessions" inner join "users"')
    expect(counter.total).toBe(1)
  })

  it.each(['/admin', '/admin/users', '/admin/users/:id', '/admin/audit'])('an admin’s repeat view of %s takes one round trip', async (route) => {
    const { user, cookie } = await signedIn('Predicted Admin', 'admin')
    const path = route.replace(':id', user.id)
    expect((await view(path, cookie)).res.status).toBe(200)
    counter = countDatabaseRoundTrips()
    const again = await counter.page(path, cookie)
    expect(again.status).toBe(200)
    expect(counter.total).toBe(1)
  })

  it('an admin demoted since is refused the admin page, not shown it', async () => {
    const { user, cookie } = await signedIn('Demoted Admin', 'admin')
    const before = await view('/admin/users', cookie)
    expect(before.res.status).toBe(200)
    expect(before.html).toContain('Find users')
    await withDb((db) => db.update(users).set({ role: 'user' }).where(eq(users.id, user.id)))
    const { res, html } = await view('/admin/users', cookie)
    expect(res.status).toBe(403)
    expect(html).not.toContain('Find users')
  })

  it('a changed user is shown as they are now, not as this isolate last saw them', async () => {
    const { user, cookie } = await signedIn('Old Name')
    expect((await view('/dashboard', cookie)).html).toContain('Old Name')
    await withDb((db) => db.update(users).set({ name: 'New Name' }).where(eq(users.id, user.id)))
    const { res, html } = await view('/dashboard', cookie)
    expect(res.status).toBe(200)
    expect(html).toContain('New Name')
    expect(html).not.toContain('Old Name')
  })

  it('a deactivated account is refused on its next read-only page', async () => {
    const { user, cookie } = await signedIn()
    expect((await view('/settings', cookie)).res.status).toBe(200)
    await withDb((db) => db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, user.id)))
    counter = countDatabaseRoundTrips()
    const refused = await counter.page('/settings', cookie)
    // It was rendered speculatively: the lookup went out with the page's own queries, in one batch (the
    // second request is the refused session's deletion, after the response).
    const first = JSON.parse(counter.http[0]!) as { queries: Array<{ query: string }> }
    expect(first.queries.length).toBeGreaterThan(1)
    expect(first.queries[0]!.query).toContain('from "sessions" inner join "users"')
    expect(counter.http.slice(1).map((body) => (JSON.parse(body) as { query: string }).query)).toEqual([expect.stringMatching(/^delete from "sessions"/)])
    expect(refused.status).toBe(303)
    expect(refused.html).not.toContain('Predicted Person')
    counter.restore()
    counter = null
    const { res, html } = await view('/settings', cookie)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login?next=%2Fsettings')
    expect(res.headers.getSetCookie().some((line) => /^session=;/.test(line))).toBe(true)
    expect(html).not.toContain('Predicted Person')
  })

  it('an expired session is refused although this isolate last saw it valid', async () => {
    const { session, cookie } = await signedIn()
    expect((await view('/dashboard', cookie)).res.status).toBe(200)
    await withDb((db) => db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.id, session.id)))
    const { res } = await view('/dashboard', cookie)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login?next=%2Fdashboard')
  })

  it('a session due to slide is rendered again and its cookie renewed, as on a cold isolate', async () => {
    const { session, cookie } = await signedIn()
    expect((await view('/dashboard', cookie)).res.headers.getSetCookie().some((l) => l.startsWith('session='))).toBe(false)
    const longAgo = new Date(Date.now() - TOUCH_INTERVAL_MS - 60_000)
    await withDb((db) => db.update(sessions).set({ lastSeenAt: longAgo }).where(eq(sessions.id, session.id)))
    const { res } = await view('/dashboard', cookie)
    expect(res.status).toBe(200)
    expect(res.headers.getSetCookie().filter((l) => l.startsWith('session=')).map((l) => l.split(';')[0])).toEqual([cookie])
    const [row] = await withDb((db) => db.select().from(sessions).where(eq(sessions.id, session.id)))
    expect(row!.lastSeenAt.getTime()).toBeGreaterThan(longAgo.getTime())
  })

  it('a cookie with a known session id but another secret is refused and never predicted', async () => {
    const { session, cookie } = await signedIn()
    expect((await view('/dashboard', cookie)).res.status).toBe(200)
    const forged = `${session.id}.${generateSecureRandomString(LINK_TOKEN_BYTES)}`
    expect(predictSession(forged)).toBeNull()
    expect(predictSession(cookie.slice('session='.length))?.session.id).toBe(session.id)
    const { res, html } = await view('/dashboard', `session=${forged}`)
    expect(res.status).toBe(303)
    expect(html).not.toContain('Predicted Person')
    // The forged cookie's refusal did not make this isolate forget the real session.
    expect(predictSession(cookie.slice('session='.length))?.session.id).toBe(session.id)
    expect((await view('/dashboard', cookie)).res.status).toBe(200)
  })
})

describe('pages rendered in the session lookup’s round trip, when the database fails', () => {
  it('a failed lookup answers as on a cold isolate: the error page knows nobody', async () => {
    const { cookie } = await signedIn('Somebody Specific')
    expect((await view('/dashboard', cookie)).html).toContain('Somebody Specific')
    // The SQL endpoint answers 500 for everything, the session lookup and the page's queries alike.
    const realFetch = globalThis.fetch
    const failing = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url
      return new URL(url).pathname === '/sql' ? Promise.resolve(new Response('compute unreachable', { status: 500 })) : realFetch(input, init)
    })
    try {
      const { res, html } = await view('/dashboard', cookie)
      expect(res.status).toBe(503)
      expect(html).not.toContain('Somebody Specific')
      expect(html).not.toContain('app-body') // not the signed-in app shell
      expect(res.headers.getSetCookie()).toEqual([])
    } finally {
      failing.mockRestore()
    }
    expect((await view('/dashboard', cookie)).res.status).toBe(200)
  })

  it('a flash message is shown once when the page is rendered twice', async () => {
    const { user, cookie } = await signedIn('Flash Person')
    expect((await view('/settings', cookie)).res.status).toBe(200)
    await withDb((db) => db.update(users).set({ name: 'Flash Person Renamed' }).where(eq(users.id, user.id)))
    const flash = `qs_flash=${encodeURIComponent(JSON.stringify({ kind: 'success', message: 'Your name was saved.' }))}`
    const { res, html } = await view('/settings', `${cookie}; ${flash}`)
    expect(res.status).toBe(200)
    expect(html).toContain('Flash Person Renamed')
    expect(html.split('Your name was saved.')).toHaveLength(2)
    expect(res.headers.getSetCookie().filter((line) => line.startsWith('qs_flash='))).toHaveLength(1)
  })
})

describe('the per-isolate memory of sessions', () => {
  it('keeps at most 500 sessions, forgetting the least recently checked first', async () => {
    const { token } = await signedIn()
    const result = await withDb((db) => validateSessionToken(db, token, new Date()))
    expect(result.session).not.toBeNull()
    rememberValidation(token, result)
    const others = Array.from({ length: 500 }, () => `${generateSecureRandomString(15)}.${generateSecureRandomString(LINK_TOKEN_BYTES)}`)
    for (const other of others.slice(0, 499)) rememberValidation(other, result)
    expect(predictSession(token)).not.toBeNull()
    rememberValidation(others[499]!, result)
    expect(predictSession(token)).toBeNull()
  })

  it('forgets a session whose check refused it, and compares whole rows', async () => {
    const { token } = await signedIn()
    const result = await withDb((db) => validateSessionToken(db, token, new Date()))
    if (result.session === null) throw new Error('expected a valid session')
    rememberValidation(token, result)
    expect(isSameValidation(result, predictSession(token)!)).toBe(true)
    expect(isSameValidation({ ...result, user: { ...result.user, role: 'admin' } }, result)).toBe(false)
    expect(isSameValidation({ ...result, extras: { lacksTwoFactor: true } }, result)).toBe(false)
    expect(isSameValidation({ session: null, user: null }, result)).toBe(false)
    rememberValidation(token, { session: null, user: null })
    expect(predictSession(token)).toBeNull()
  })
})
