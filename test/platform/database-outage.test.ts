import { describe, expect, inject, it, vi } from 'vitest'
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import worker from '../../src/index'
import { createDb } from '../../src/platform/db'
import { isDatabaseUnavailable } from '../../src/platform/db-coalesce'
import { withDb } from '../helpers/db'
import { ORIGIN } from '../helpers/http'
import { fileProjects } from '../../src/files/schema'
import { signedInUser, storedFor, text, usageOf } from '../files/helpers'

// Postgres stopping in the middle of a run (issue 21). The Worker reaches the run's database through a
// relay that this file stops and starts (test/setup/database-outage.ts): the shared Postgres of the other
// test files keeps running, while these requests see what a stopped one looks like — the port refuses
// connections and the SQL endpoint's pooled connections are cut — through the real driver and endpoint.
const outage = inject('databaseOutage')
const relayed: Env = { ...env, DATABASE_URL: outage.databaseUrl }

async function setDatabase(state: 'stop' | 'start') {
  const res = await fetch(`${outage.control}/${state}`, { method: 'POST' })
  if (res.status !== 204) throw new Error(`database ${state}: ${res.status} ${await res.text()}`)
}

async function send(path: string, init: RequestInit & { cookie?: string; htmx?: boolean } = {}) {
  const headers = new Headers(init.headers)
  if (init.cookie) headers.set('cookie', init.cookie)
  if (init.htmx) headers.set('hx-request', 'true')
  if (init.method === 'POST') headers.set('origin', ORIGIN)
  const ctx = createExecutionContext()
  const res = await worker.fetch(new Request(`${ORIGIN}${path}`, { ...init, headers, redirect: 'manual' }), relayed, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

const createProject = (name: string, cookie: string) => send('/files/projects', { method: 'POST', cookie, body: new URLSearchParams({ name }) })
const uploadFile = (name: string, cookie: string) => send(`/files/upload?name=${name}`, { method: 'POST', cookie, body: text('during the outage') })

async function projectNames(userId: string) {
  const rows = await withDb((db) => db.select({ name: fileProjects.name }).from(fileProjects).where(eq(fileProjects.userId, userId)))
  return rows.map((r) => r.name).sort()
}

const STACK_OR_DRIVER = /\bat\s+\S+:\d+|Error:|Couldn't connect|ECONNREFUSED|127\.0\.0\.1|postgres(ql)?:\/\//

describe('Postgres stops mid-run, then comes back', () => {
  it('pages and /health answer 503 with a try-again message; a write before is kept, one during is refused whole; all recovers', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { user, cookie } = await signedInUser()
    const before = await usageOf(user.id)
    expect((await createProject('Before', cookie)).status).toBe(303)
    expect((await send('/health')).status).toBe(200)

    await setDatabase('stop')
    try {
      const page = await send('/files', { cookie, headers: { 'x-request-id': 'req-db-down' } })
      expect(page.status).toBe(503)
      expect(page.headers.get('retry-after')).toBe('30')
      const html = await page.text()
      expect(html).toContain('Temporarily unavailable')
      expect(html).toContain('req-db-down')
      expect(html).not.toMatch(STACK_OR_DRIVER)

      const fragment = await send('/files', { cookie, htmx: true })
      expect(fragment.status).toBe(503)
      expect(fragment.headers.get('hx-retarget')).toBe('#flash-region')
      expect(await fragment.text()).not.toContain('<html')

      const health = await send('/health')
      expect(health.status).toBe(503)
      expect(await health.json()).toMatchObject({ status: 'error', database: { status: 'unreachable' } })

      // Writes during the outage: refused with the same page, never a success the database did not keep.
      const refused = await createProject('During', cookie)
      expect(refused.status).toBe(503)
      expect(await refused.text()).not.toMatch(STACK_OR_DRIVER)
      expect((await uploadFile('during.txt', cookie)).status).toBe(503)
      // Public pages that need no database still answer.
      expect((await send('/about')).status).toBe(200)
    } finally {
      await setDatabase('start')
    }

    // Recovery needs no restart: the next requests reconnect.
    expect((await send('/health')).status).toBe(200)
    const files = await send('/files', { cookie })
    expect(files.status).toBe(200)
    expect(await files.text()).toContain('Before')
    // No lost write, no half-done one: the project made before is there, nothing of the refused ones is.
    expect(await projectNames(user.id)).toEqual(['Before'])
    expect(await storedFor(user.id)).toEqual({ rows: [], keys: [] })
    expect(await usageOf(user.id)).toEqual(before)
    // And writing works again.
    expect((await createProject('After', cookie)).status).toBe(303)
    expect(await projectNames(user.id)).toEqual(['After', 'Before'])
    expect(logged.mock.calls.flat().join(' ')).toContain('database unavailable')
    vi.restoreAllMocks()
  })

  it('a transaction cut by the stop is rolled back whole, and its error counts as unavailable (the 503 page)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const { user } = await signedInUser()
    const { db, close } = createDb(relayed)
    try {
      const cut = db.transaction(async (tx) => {
        await tx.insert(fileProjects).values({ userId: user.id, name: 'Half' })
        await setDatabase('stop')
        await tx.insert(fileProjects).values({ userId: user.id, name: 'Half, second row' })
      })
      await expect(cut).rejects.toSatisfy(isDatabaseUnavailable)
      // A new transaction while it is down is refused the same way.
      await expect(db.transaction(async (tx) => tx.select().from(fileProjects).limit(1))).rejects.toSatisfy(isDatabaseUnavailable)
    } finally {
      await setDatabase('start')
      await close()
    }
    expect(await projectNames(user.id)).toEqual([])
    vi.restoreAllMocks()
  })
})

describe('isDatabaseUnavailable: which failures are the 503 page', () => {
  it('connection refused or lost, Postgres starting or stopping, too many connections; never a statement error or a Neon limit', () => {
    const err = (message: string, code?: string) => Object.assign(new Error(message), { code })
    for (const e of [err('x', '08006'), err('x', '57P01'), err('x', '57P03'), err('x', '53300'), err("Server error (HTTP status 500): {\"message\":\"Couldn't connect to compute node\"}"),
      err('Error connecting to database: TypeError: fetch failed'), new Error('Failed query: select 1', { cause: err('Connection terminated unexpectedly') })]) {
      expect(isDatabaseUnavailable(e), e.message).toBe(true)
    }
    for (const e of [err('x', '08P01'), err('x', '23505'), err('x', '57014'), err('Server error (HTTP status 507): too large'), new Error('boom')]) {
      expect(isDatabaseUnavailable(e), `${e.message} ${(e as { code?: string }).code}`).toBe(false)
    }
  })
})
