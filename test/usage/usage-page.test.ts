import { env } from 'cloudflare:workers'
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test'
import wranglerToml from '../../wrangler.toml?raw'
import worker from '../../src/index'
import { Hono } from 'hono'
import { and, asc, eq, inArray } from 'drizzle-orm'
import { beforeAll, describe, expect, it } from 'vitest'
import { withDb } from '../helpers/db'
import { auditRowsAbout } from '../admin/helpers'
import { createTestUser, get, loginCookie, post } from '../auth/helpers'
import { consumeQuota, meterStub, readQuota } from '../../src/usage/quota'
import { getDailyUsage, getUsageSummary } from '../../src/usage/summary'
import { reconcileGauges } from '../../src/usage/reconcile'
import { usageAdjustments, usageMeters, usageRecords } from '../../src/usage/schema'
import { ADMIN_CHANGES } from '../../src/usage/pages'
import { getAccountPlan } from '../../src/billing'
import { requireUser } from '../../src/auth'
import { meter, RECONCILE_CRON } from '../../src/usage'
import { configureMeter } from '../../src/usage/quota'
import { calendarMonth } from '../../src/usage/period'
import { createApp } from '../../src/platform/app'
import type { Feature } from '../../src/platform/feature'
import type { AppEnv } from '../../src/platform/types'
import { features } from '../../src/index'
import { formatDate } from '../../src/platform/format'

beforeAll(async () => { await loginCookie((await createTestUser()).email) }, 120_000)

async function signedIn(opts: { role?: 'admin' | 'user' } = {}) {
  const user = await createTestUser(opts)
  return { user, cookie: await loginCookie(user.email) }
}

describe('/usage', () => {
  it('signed out: to the log-in page', async () => {
    const res = await get('/usage')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login?next=%2Fusage')
  })

  it('shows a bar per quota with the plan limit, and an SVG chart per metric with a table alternative', async () => {
    const { user, cookie } = await signedIn()
    // One clock for what is consumed and for the day looked for below (the page reads the wall clock too).
    const now = new Date()
    await consumeQuota(env, user.id, [{ metric: 'api_requests', amount: 7 }, { metric: 'storage_bytes', amount: 2560 }], { now })
    await meterStub(env, user.id).flush()
    const plan = await withDb((db) => getAccountPlan(db, user.id, now))
    const html = await (await get('/usage', cookie)).text()
    expect(html).toContain(`7 of ${new Intl.NumberFormat('en-US').format(plan.limits.apiRequestsPerMonth)}`)
    expect(html).toMatch(/<progress class="progress is-primary\s*mb-1" value="7"/)
    expect(html).toContain('2.5 KiB of')
    // A chart with data for what was used; a sentence, not an empty axis, for what was not (issue 20).
    for (const metric of ['api_requests', 'storage_bytes']) {
      expect(html).toMatch(new RegExp(`<figure class="bar-chart" id="chart-${metric}"><svg class="bar-chart-plot"[^>]*role="group"[^>]*aria-describedby="chart-${metric}-summary"`))
    }
    expect(html).toContain('<figure class="bar-chart is-empty" id="chart-uploads"><p class="bar-chart-empty">No uploads in the last 30 days.</p>')
    expect(html).toContain('API requests per day, last 30 days: the numbers as a table')
    expect(html.match(/<h1[\s>]/g)).toHaveLength(1)
    expect(html).not.toMatch(/\sstyle=|<script>/)
    expect(html).not.toContain('max ')
    // 30 bars per chart with data, today's API requests among them; storage ticks in KiB.
    expect(html.match(/<g class="bar-chart-bar"/g)!.length).toBeGreaterThanOrEqual(60)
    expect(html).toContain(`<title>${formatDate(now)}: 7</title>`)
    expect(html).toMatch(/class="bar-chart-tick"[^>]*>(1|2|3) KiB<\/text>/)
  })

  it('the dashboard shows the compact card', async () => {
    const { cookie } = await signedIn()
    const html = await (await get('/dashboard', cookie)).text()
    expect(html).toContain('<h2 class="title is-5">Usage</h2>')
    expect(html).toContain('href="/usage"')
    expect(html).toContain('progress is-primary is-small')
  })
})

describe('figures from Postgres', () => {
  it('30 days: counters are zero on quiet days, gauges carry their level forward', async () => {
    const user = await createTestUser()
    const now = new Date(Date.UTC(2026, 10, 20, 12))
    await withDb((db) => db.insert(usageRecords).values([
      { userId: user.id, metric: 'storage_bytes', day: '2026-10-01', amount: 100 }, // before the window
      { userId: user.id, metric: 'storage_bytes', day: '2026-11-10', amount: 300 },
      { userId: user.id, metric: 'api_requests', day: '2026-11-10', amount: 5 },
      { userId: user.id, metric: 'api_requests', day: '2026-11-20', amount: 2 },
    ]))
    const daily = await withDb((db) => getDailyUsage(db, user.id, now))
    expect(daily.api_requests).toHaveLength(30)
    expect(daily.api_requests[0]).toEqual({ day: '2026-10-22', amount: 0 })
    expect(daily.api_requests.find((d) => d.day === '2026-11-10')!.amount).toBe(5)
    expect(daily.api_requests.at(-1)).toEqual({ day: '2026-11-20', amount: 2 })
    expect(daily.storage_bytes[0]!.amount).toBe(100)
    expect(daily.storage_bytes.find((d) => d.day === '2026-11-09')!.amount).toBe(100)
    expect(daily.storage_bytes.at(-1)!.amount).toBe(300)
  })
})

describe('admin functions', () => {
  it('adjust sets a meter, is recorded with who and why, and Postgres shows it at once', async () => {
    const { user: admin, cookie } = await signedIn({ role: 'admin' })
    const user = await createTestUser()
    await consumeQuota(env, user.id, [{ metric: 'api_requests', amount: 40 }], { now: new Date() })
    const res = await post(`/admin/usage/${user.id}/adjust`, { metric: 'api_requests', value: '10', reason: 'support ticket 42' }, cookie)
    expect(res.status).toBe(303)
    expect((await readQuota(env, user.id, { now: new Date() })).usage.api_requests.used).toBe(10)
    const [row] = await withDb((db) => db.select().from(usageAdjustments).where(eq(usageAdjustments.userId, user.id)))
    expect(row).toMatchObject({ actorId: admin.id, metric: 'api_requests', kind: 'adjust', before: 40, after: 10, reason: 'support ticket 42' })
    const summary = await withDb((db) => getUsageSummary(db, user.id, new Date()))
    expect(summary.meters.api_requests.used).toBe(10)
    // One audit row, with actor and target (issue 13).
    const audit = await auditRowsAbout(user.id, 'usage.adjust')
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actorId: admin.id, targetType: 'user', detail: { metric: 'api_requests', before: 40, after: 10, reason: 'support ticket 42' } })
  })

  it("reset zeroes this period's counters, not the gauges, and records each", async () => {
    const { user: admin, cookie } = await signedIn({ role: 'admin' })
    const user = await createTestUser()
    await consumeQuota(env, user.id, [{ metric: 'api_requests', amount: 3 }, { metric: 'uploads', amount: 2 }, { metric: 'storage_bytes', amount: 99 }], { now: new Date() })
    expect((await post(`/admin/usage/${user.id}/reset`, {}, cookie)).status).toBe(303)
    const live = await readQuota(env, user.id, { now: new Date() })
    expect([live.usage.api_requests.used, live.usage.uploads.used, live.usage.storage_bytes.used]).toEqual([0, 0, 99])
    const rows = await withDb((db) => db.select().from(usageAdjustments).where(and(eq(usageAdjustments.userId, user.id), eq(usageAdjustments.kind, 'reset'))))
    expect(rows.map((r) => r.metric).sort()).toEqual(['api_requests', 'uploads'])
    const audit = await auditRowsAbout(user.id, 'usage.reset')
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ actorId: admin.id, targetType: 'user' })
    expect(String((audit[0]!.detail as Record<string, unknown>).metrics)).toMatch(/api_requests 3→0/)
  })

  it('refuses bad input with 4xx, non-admins with 403, cross-site with 403, big bodies with 413', async () => {
    const { cookie } = await signedIn({ role: 'admin' })
    const user = await createTestUser()
    const adjust = (fields: Record<string, string>, c = cookie, init = {}) => post(`/admin/usage/${user.id}/adjust`, fields, c, init)
    expect((await adjust({ metric: 'nope', value: '1', reason: 'x' })).status).toBe(422)
    expect((await adjust({ metric: 'uploads', value: '-1', reason: 'x' })).status).toBe(422)
    expect((await adjust({ metric: 'uploads', value: '1.5', reason: 'x' })).status).toBe(422)
    expect((await adjust({ metric: 'uploads', value: '1', reason: '' })).status).toBe(422)
    expect((await post(`/admin/usage/${crypto.randomUUID()}/adjust`, { metric: 'uploads', value: '1', reason: 'x' }, cookie)).status).toBe(404)
    expect((await post('/admin/usage/not-a-uuid/reset', {}, cookie)).status).toBe(404)
    const { cookie: plain } = await signedIn()
    expect((await adjust({ metric: 'uploads', value: '1', reason: 'x' }, plain)).status).toBe(403)
    expect((await adjust({ metric: 'uploads', value: '1', reason: 'x' }, cookie, { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } })).status).toBe(403)
    expect((await adjust({ metric: 'uploads', value: '1', reason: 'x'.repeat(20_000) })).status).toBe(413)
    expect(await withDb((db) => db.select().from(usageAdjustments).where(eq(usageAdjustments.userId, user.id)))).toHaveLength(0)
    expect(await auditRowsAbout(user.id)).toHaveLength(0)
  })

  it('admin changes are throttled per admin (checklist 23)', async () => {
    const { user: admin, cookie } = await signedIn({ role: 'admin' })
    for (let i = 0; i < ADMIN_CHANGES.max; i++) await meterStub(env, admin.id).hit('admin-usage-changes', ADMIN_CHANGES.max, ADMIN_CHANGES.windowSeconds, Date.now())
    const res = await post(`/admin/usage/${admin.id}/reset`, {}, cookie)
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})

describe('reconcile', () => {
  it('sets drifted gauges to what the files hold, logs and records it', async () => {
    const user = await createTestUser()
    await consumeQuota(env, user.id, [{ metric: 'storage_bytes', amount: 500 }, { metric: 'file_count', amount: 3 }], { now: new Date() })
    await meterStub(env, user.id).flush()
    // What the file rows say (files' getStorageSummary in production): one file of 200 bytes.
    const truth = new Map([[user.id, { bytes: 200, files: 1 }]])
    const drifts = await withDb((db) => reconcileGauges({ db, env, now: new Date() }, async (_db, id) => truth.get(id) ?? { bytes: 0, files: 0 }))
    expect(drifts.filter((d) => d.userId === user.id)).toEqual([
      { userId: user.id, metric: 'storage_bytes', meter: 500, actual: 200 },
      { userId: user.id, metric: 'file_count', meter: 3, actual: 1 },
    ])
    const live = await readQuota(env, user.id, { now: new Date() })
    expect([live.usage.storage_bytes.used, live.usage.file_count.used]).toEqual([200, 1])
    const [meterRow] = await withDb((db) => db.select().from(usageMeters).where(and(eq(usageMeters.userId, user.id), eq(usageMeters.metric, 'storage_bytes'))))
    expect(meterRow.used).toBe(200)
    const recorded = await withDb((db) => db.select().from(usageAdjustments).where(eq(usageAdjustments.userId, user.id)))
    expect(recorded.every((r) => r.reason === 'reconcile' && r.actorId === null)).toBe(true)
  })

  it('pages through accounts by user id, a bounded batch at a time, at most maxAccounts a run (issue 19, item 13)', async () => {
    // More metered accounts than one batch and than the run's bound (5), even in a fresh database.
    for (let i = 0; i < 6; i++) {
      const user = await createTestUser()
      await consumeQuota(env, user.id, [{ metric: 'file_count', amount: 1 }], { now: new Date() })
      await meterStub(env, user.id).flush()
    }
    const metered = async () => new Set((await withDb((db) => db.selectDistinct({ userId: usageMeters.userId }).from(usageMeters)
      .where(inArray(usageMeters.metric, ['storage_bytes', 'file_count'])).orderBy(asc(usageMeters.userId)))).map((r) => r.userId))
    const before = await metered()
    const batches: string[][] = []
    await withDb((db) => reconcileGauges({ db, env, now: new Date() }, async (_db, id) => ({ bytes: 0, files: 0 }), { batchSize: 2, maxAccounts: 5, onBatch: (ids) => batches.push(ids) }))
    const after = await metered()
    expect(batches.map((b) => b.length)).toEqual([2, 2, 1])
    // The keyset cursor: each page starts after the last id of the one before (ascending, none repeated), and
    // none is skipped: every account metered throughout the run, up to the last one reached, was reached.
    // Other files of the run add and delete metered accounts meanwhile (they share the database), so the
    // accounts that came or went during the run may or may not be in it.
    const reached = batches.flat()
    expect(reached).toEqual([...reached].sort())
    expect(new Set(reached).size).toBe(reached.length)
    const last = reached.at(-1)!
    const throughout = [...before].filter((id) => after.has(id) && id <= last)
    expect(throughout.filter((id) => !reached.includes(id))).toEqual([])
  })
})

describe('meter() on a page (not the API)', () => {
  // A feature of the test's own making, composed with the real ones: what any feature gets from meter().
  const probe: Feature = {
    name: 'probe',
    routes: new Hono<AppEnv>().post('/probe/upload', requireUser, meter('uploads'), (c) => c.text('stored')),
  }
  const { worker } = createApp([...features, probe])
  const send = async (cookie: string, htmx = false) => {
    const ctx = createExecutionContext()
    const headers: Record<string, string> = { cookie, origin: 'http://localhost' }
    if (htmx) headers['hx-request'] = 'true'
    const res = await worker.fetch(new Request('http://localhost/probe/upload', { method: 'POST', headers }), env, ctx)
    await waitOnExecutionContext(ctx)
    return res
  }

  it('over the limit: 429 page naming the limit with a link to /pricing; htmx gets a fragment for the flash region', async () => {
    const { user, cookie } = await signedIn()
    const period = calendarMonth(Date.now())
    await configureMeter(env, { userId: user.id, limits: { storageBytes: 10, fileCount: 10, uploadsPerMonth: 1, apiRequestsPerMonth: 10 }, periodStart: period.start, periodEnd: period.end }, new Date())
    expect((await send(cookie)).status).toBe(200)
    const page = await send(cookie)
    expect(page.status).toBe(429)
    expect(Number(page.headers.get('retry-after'))).toBeGreaterThan(0)
    const html = await page.text()
    expect(html).toContain('<h1 class="title">Limit reached</h1>')
    expect(html).toContain("limit of uploads for this period (1 of 1)")
    expect(html).toContain('href="/pricing"')
    const fragment = await send(cookie, true)
    expect(fragment.status).toBe(429)
    expect(fragment.headers.get('hx-retarget')).toBe('#flash-region')
    expect(await fragment.text()).not.toContain('<html')
  })
})

describe('the nightly reconcile job', () => {
  it("is declared in wrangler.toml and, run by the Worker's scheduled handler, trues gauges up to the real file rows", async () => {
    expect(wranglerToml).toContain(`crons = ["${RECONCILE_CRON}"]`)
    const user = await createTestUser()
    // Metered as if two files were stored, but the files table has none for this account.
    await consumeQuota(env, user.id, [{ metric: 'storage_bytes', amount: 700 }, { metric: 'file_count', amount: 2 }], { now: new Date() })
    await meterStub(env, user.id).flush()
    const ctx = createExecutionContext()
    await worker.scheduled(createScheduledController({ cron: RECONCILE_CRON, scheduledTime: Date.now() }), env, ctx)
    await waitOnExecutionContext(ctx)
    const live = await readQuota(env, user.id, { now: new Date() })
    expect([live.usage.storage_bytes.used, live.usage.file_count.used]).toEqual([0, 0])
  })
})
