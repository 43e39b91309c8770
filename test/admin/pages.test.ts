import { describe, expect, it, vi } from 'vitest'
import { createTestUser, get, login, post } from '../auth/helpers'
import { withDb } from '../helpers/db'
import { users } from '../../src/auth/schema'
import { auditEvents } from '../../src/admin/schema'
import { adminFeature, AUDIT_RETENTION_DAYS } from '../../src/admin'
import { pruneAuditEvents, scrubDetail } from '../../src/admin/audit'
import { USERS_PAGE_SIZE } from '../../src/auth/account-admin'
import { env } from 'cloudflare:workers'
import { eq, inArray } from 'drizzle-orm'
import { auditRowsAbout, signedInAdmin } from './helpers'
import { formatDate } from '../../src/platform/format'

vi.setConfig({ testTimeout: 60_000 })

describe('overview', () => {
  it('composes the features\' panels: users, a 30-day sign-up chart in SVG, mail today, contact messages', async () => {
    const { cookie } = await signedInAdmin()
    const res = await get('/admin', cookie)
    expect(res.status).toBe(200)
    const html = await res.text()
    for (const title of ['Users', 'Sign-ups, last 30 days', 'Mail today', 'Contact messages']) expect(html).toContain(`>${title}</h2>`)
    expect(html).toContain('New this week')
    const chart = /<figure class="bar-chart" id="signup-chart">[\s\S]*?<\/figure>/.exec(html)?.[0]
    expect(chart).toBeDefined()
    expect(chart!.match(/<g class="bar-chart-bar"/g)).toHaveLength(30)
    expect(chart).toContain('Sign-ups per day, last 30 days: the numbers as a table')
    // Today's bar (the one tab stop) counts at least the admin who just signed up.
    const today = formatDate(new Date())
    expect(Number(new RegExp(`tabindex="0" role="img" aria-label="${today}: [\\d,]+" data-bar="" data-value="(\\d+)"><title>${today}:`).exec(chart!)?.[1])).toBeGreaterThanOrEqual(1)
    expect(html).not.toMatch(/ style=/)
  })
})

describe('users list', () => {
  it('searches by email or name, filters, sorts and pages (htmx gets only the results)', async () => {
    const { cookie } = await signedInAdmin()
    const tag = crypto.randomUUID().slice(0, 8)
    // More than a page of users with one tag in their name, inserted directly (hashing 26 passwords is slow).
    const rows = Array.from({ length: USERS_PAGE_SIZE + 1 }, (_, i) => ({
      email: `list-${tag}-${String(i).padStart(2, '0')}@example.com`, name: `Lister ${tag} ${i}`, passwordHash: 'x',
      emailVerifiedAt: i % 2 === 0 ? new Date() : null, deactivatedAt: i === 3 ? new Date() : null,
    }))
    await withDb((db) => db.insert(users).values(rows))

    const first = await (await get(`/admin/users?q=${tag}&sort=email`, cookie)).text()
    expect(first).toContain(`list-${tag}-00@example.com`)
    expect(first).not.toContain(`list-${tag}-${USERS_PAGE_SIZE}@example.com`)
    expect(first).toContain('>Next</a>')
    const second = await get(`/admin/users?q=${tag}&sort=email&page=2`, cookie, { htmx: true })
    const fragment = await second.text()
    expect(fragment.startsWith('<div id="user-results"')).toBe(true)
    expect(fragment).toContain(`list-${tag}-${USERS_PAGE_SIZE}@example.com`)
    expect(fragment).not.toContain('<html')

    const byName = await (await get(`/admin/users?q=${encodeURIComponent(`Lister ${tag} 7`)}`, cookie)).text()
    expect(byName).toContain(`list-${tag}-07@example.com`)
    const deactivated = await (await get(`/admin/users?q=${tag}&active=no`, cookie)).text()
    expect(deactivated.match(new RegExp(`list-${tag}-\\d+@`, 'g'))).toEqual([`list-${tag}-03@`])
    const unverified = await (await get(`/admin/users?q=${tag}&verified=no&sort=email`, cookie)).text()
    expect(unverified).toContain(`list-${tag}-01@`)
    expect(unverified).not.toContain(`list-${tag}-02@`)
    const admins = await (await get(`/admin/users?q=${tag}&role=admin`, cookie)).text()
    expect(admins).toContain('No users match.')
    // Unknown values are ignored, never a 500; LIKE wildcards are taken literally.
    expect((await get('/admin/users?role=root&sort=drop&page=-3&verified=maybe', cookie)).status).toBe(200)
    expect(await (await get('/admin/users?q=%25%25%25', cookie)).text()).toContain('No users match.')
  })
})

describe('audit log', () => {
  it('records sign-in success and failure without secrets, and the page filters by user and action', async () => {
    const { cookie } = await signedInAdmin()
    const user = await createTestUser()
    expect((await login(user.email, 'a wrong password here')).status).toBe(401)
    expect((await login(user.email)).status).toBe(303)
    const rows = await auditRowsAbout(user.id)
    expect(rows.map((r) => r.action).sort()).toEqual(['auth.login', 'auth.login_failed'])
    expect(rows.find((r) => r.action === 'auth.login_failed')).toMatchObject({ actorId: null, detail: { reason: 'wrong password' } })
    expect(JSON.stringify(rows)).not.toContain('a wrong password here')

    const page = await (await get(`/admin/audit?user=${user.id}&action=auth.login`, cookie)).text()
    expect(page).toContain('auth.login_failed')
    const onlyFailed = await (await get(`/admin/audit?user=${user.id}&action=auth.login_failed`, cookie)).text()
    expect(onlyFailed).toContain('<code class="audit-action">auth.login_failed</code>')
    expect(onlyFailed).not.toContain('<code class="audit-action">auth.login</code>')
    // Bad filters are answered field by field (422), never a 500 nor an unfiltered list (test/admin/audit-page.test.ts).
    expect((await get('/admin/audit?user=nope&from=2026-13-45&action=%3Cx%3E', cookie)).status).toBe(422)
  })

  it('names a system actor (detail.actor, e.g. Stripe) where no person acted, and a visitor otherwise', async () => {
    const { cookie } = await signedInAdmin()
    const user = await createTestUser()
    const action = `test.system_actor_${crypto.randomUUID().slice(0, 8)}`
    await withDb((db) => db.insert(auditEvents).values([
      { action, actorId: null, targetType: 'user', targetId: user.id, detail: { actor: 'Stripe', eventId: 'evt_1' }, createdAt: new Date() },
    ]))
    const page = await (await get(`/admin/audit?user=${user.id}&action=${action}`, cookie)).text()
    expect(page).toMatch(/data-label="Actor">Stripe</)
    expect(page).toContain('<dt>eventId</dt><dd>evt_1</dd>')
    expect(page).not.toContain('actor: Stripe')
    const failed = await (await get(`/admin/audit?user=${user.id}&action=auth.login_failed`, cookie)).text()
    expect(failed).not.toMatch(/data-label="Actor">Stripe</)
  })

  it('never stores a secret-looking detail', () => {
    expect(scrubDetail({ reason: 'x', password: 'p', resetToken: 't', code: '12345678', apiKey: 'k', plan: 'pro' })).toEqual({ reason: 'x', plan: 'pro' })
  })

  it('the retention job deletes rows older than the policy and keeps the rest', async () => {
    // An era no other test writes (before the batch test's 1990 rows): with a present or future date the
    // cutoff would fall after the rows other files write at the wall clock, so the job would delete their
    // audit rows in the shared database, and whether it did would depend on the day the suite runs.
    const now = new Date('1982-01-01T03:17:00Z')
    const old = new Date(now.getTime() - (AUDIT_RETENTION_DAYS + 1) * 86_400_000)
    const recent = new Date(now.getTime() - (AUDIT_RETENTION_DAYS - 1) * 86_400_000)
    const inserted = await withDb((db) => db.insert(auditEvents).values([
      { action: 'test.retention_old', actorId: null, createdAt: old },
      { action: 'test.retention_recent', actorId: null, createdAt: recent },
    ]).returning())
    const job = adminFeature.scheduled!.find((j) => j.name === 'audit-retention')!
    await job.run({ scheduledTime: now.getTime(), cron: job.cron, noRetry: () => undefined } as ScheduledController, env, {} as ExecutionContext)
    const left = await withDb((db) => db.select().from(auditEvents).where(inArray(auditEvents.id, inserted.map((r) => r.id))))
    expect(left.map((r) => r.action)).toEqual(['test.retention_recent'])
    await withDb((db) => db.delete(auditEvents).where(eq(auditEvents.action, 'test.retention_recent')))
    expect((await withDb((db) => pruneAuditEvents(db, now))).deleted).toBe(0)
  })

  it('the retention job deletes in batches of N per statement, at most M batches a run (issue 19, item 13)', async () => {
    // Years no other test writes, so the shared database holds only these five rows before the cutoff.
    const now = new Date('1992-01-01T03:17:00Z')
    const old = (i: number) => new Date(Date.UTC(1990, 0, 1 + i))
    const action = `test.prune_batch_${crypto.randomUUID()}`
    await withDb((db) => db.insert(auditEvents).values([0, 1, 2, 3, 4].map((i) => ({ action, actorId: null, createdAt: old(i) }))))
    const left = async () => (await withDb((db) => db.select().from(auditEvents).where(eq(auditEvents.action, action)))).map((r) => r.createdAt.getTime())
    const limits = { batchSize: 2, maxBatches: 2 }
    expect(await withDb((db) => pruneAuditEvents(db, now, limits))).toEqual({ deleted: 4, batches: 2, more: true })
    // Oldest first: the newest old row is what the bound left for the next run.
    expect(await left()).toEqual([old(4).getTime()])
    expect(await withDb((db) => pruneAuditEvents(db, now, limits))).toEqual({ deleted: 1, batches: 1, more: false })
    expect(await left()).toEqual([])
  })
})

describe('state-changing admin routes (security checklist 13, 14, 24, 34)', () => {
  it('refuse a cross-site POST, a too-large body, and too many actions in a minute', async () => {
    const { cookie } = await signedInAdmin()
    const user = await createTestUser()
    const crossSite = await post(`/admin/users/${user.id}/deactivate`, {}, cookie, { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } })
    expect(crossSite.status).toBe(403)
    expect((await auditRowsAbout(user.id, 'admin.user.deactivated'))).toEqual([])

    const big = await post(`/admin/messages/${crypto.randomUUID()}/reply`, { reply: 'x'.repeat(40 * 1024) }, cookie)
    expect(big.status).toBe(413)

    // 60 actions a minute per admin: the 413 above counted (the throttle runs before the body limit; the
    // cross-site POST stopped before both), 59 more, then the 61st is refused. Unknown ids: no side effects.
    const statuses: number[] = []
    for (let i = 0; i < 59; i++) statuses.push((await post(`/admin/messages/${crypto.randomUUID()}/handled`, { handled: 'yes' }, cookie)).status)
    expect(statuses).toEqual(Array(59).fill(404))
    const refused = await post(`/admin/users/${user.id}/deactivate`, {}, cookie)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})
