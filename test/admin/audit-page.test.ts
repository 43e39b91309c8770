import { describe, expect, it, vi } from 'vitest'
import { env } from 'cloudflare:workers'
import { adminFeature } from '../../src/admin'
import { auditEvents } from '../../src/admin/schema'
import { recordBillingAudit } from '../../src/billing/events'
import { composeRegistry } from '../../src/platform/feature'
import { createTestUser, get } from '../auth/helpers'
import { withDb } from '../helpers/db'
import { countDatabaseRoundTrips } from '../helpers/round-trips'
import { signedInAdmin } from './helpers'

vi.setConfig({ testTimeout: 60_000 })

// Issue 20, item 5: the audit log names people (name and email, linked), filters by email, names Stripe,
// and shows details as a readable list.
const tag = () => `test.people_${crypto.randomUUID().slice(0, 8)}`
const insert = (rows: Array<typeof auditEvents.$inferInsert>) => withDb((db) => db.insert(auditEvents).values(rows))
/** The table rows of a page, one string each. */
const rowsOf = (html: string) => html.match(/<tr>[\s\S]*?<\/tr>/g)?.slice(1) ?? []

describe('audit log: people, not ids', () => {
  it('shows actor, on-behalf-of and target as name and email linked to their page; a deleted user as "deleted user" and the short id', async () => {
    const { admin, cookie } = await signedInAdmin()
    const ivy = await createTestUser({ name: 'Ivy Target' })
    const gone = crypto.randomUUID()
    const action = tag()
    await insert([
      { action, actorId: admin.id, onBehalfOfId: ivy.id, targetType: 'user', targetId: ivy.id, createdAt: new Date() },
      { action, actorId: gone, targetType: 'user', targetId: gone, createdAt: new Date(Date.now() - 1000) },
      { action, actorId: admin.id, targetType: 'file', targetId: 'f-123456789', createdAt: new Date(Date.now() - 2000) },
    ])
    const res = await get(`/admin/audit?action=${action}`, cookie)
    expect(res.status).toBe(200)
    const [first, second, third] = rowsOf(await res.text())
    const ada = `<a href="/admin/users/${admin.id}">Ada Admin</a><span class="person-email is-block is-size-7">${admin.email}</span>`
    const ivyLink = `<a href="/admin/users/${ivy.id}">Ivy Target</a><span class="person-email is-block is-size-7">${ivy.email}</span>`
    expect(first).toContain(`data-label="Actor"><span class="person">${ada}</span>`)
    expect(first).toContain(`<span class="audit-on-behalf">acting as <span class="person">${ivyLink}</span></span></td>`)
    expect(first).toContain(`data-label="Target"><span class="person">${ivyLink}</span>`)
    expect(second).toContain(`data-label="Actor"><span class="person is-deleted" title="${gone}">deleted user ${gone.slice(0, 8)}</span>`)
    expect(second).toContain(`data-label="Target"><span class="person is-deleted" title="${gone}">deleted user ${gone.slice(0, 8)}</span>`)
    expect(second).not.toContain(`href="/admin/users/${gone}"`)
    // What, when and from where share the first cell.
    expect(first).toMatch(new RegExp(`data-label="Event"><code class="audit-action">${action}</code><span class="audit-meta"><time datetime="[^"]+"><span class="nowrap">`))
    // Not a user: its type and short id, as before.
    expect(third).toContain('data-label="Target"><span class="audit-target">file <code title="f-123456789">f-123456</code></span>')
  })

  it('names Stripe as the actor of what a webhook did (detail.actor), with the user as the target', async () => {
    const { cookie } = await signedInAdmin()
    const user = await createTestUser({ name: 'Paying Customer' })
    const action = tag()
    await withDb((db) => recordBillingAudit(composeRegistry([adminFeature]), { action, actorId: null, targetType: 'user', targetId: user.id, detail: { planId: 'pro', status: 'active' } }, { db, env, now: new Date() }))
    const [row] = rowsOf(await (await get(`/admin/audit?action=${action}`, cookie)).text())
    expect(row).toContain('data-label="Actor">Stripe</td>')
    expect(row).toContain(`>Paying Customer</a>`)
    expect(row).toContain('<dl class="audit-detail"><div><dt>planId</dt><dd>pro</dd></div><div><dt>status</dt><dd>active</dd></div></dl>')
  })
})

describe('audit log: filter by email', () => {
  it('finds rows whose actor, on-behalf-of user or target has the address (case-insensitive, part of it)', async () => {
    const { admin, cookie } = await signedInAdmin()
    const actorUser = await createTestUser()
    const targetUser = await createTestUser()
    const action = tag()
    await insert([
      { action, actorId: actorUser.id, targetType: 'user', targetId: admin.id, detail: { n: 'as-actor' }, createdAt: new Date() },
      { action, actorId: admin.id, targetType: 'user', targetId: targetUser.id, detail: { n: 'as-target' }, createdAt: new Date() },
      { action, actorId: admin.id, onBehalfOfId: actorUser.id, targetType: 'project', targetId: 'p1', detail: { n: 'on-behalf' }, createdAt: new Date() },
    ])
    const page = async (email: string) => {
      const res = await get(`/admin/audit?action=${action}&email=${encodeURIComponent(email)}`, cookie)
      expect(res.status).toBe(200)
      return rowsOf(await res.text()).map((r) => /<dd>([a-z-]+)<\/dd>/.exec(r)?.[1]).sort()
    }
    expect(await page(actorUser.email.toUpperCase())).toEqual(['as-actor', 'on-behalf'])
    expect(await page(targetUser.email)).toEqual(['as-target'])
    expect(await page(admin.email.split('@')[0]!)).toEqual(['as-actor', 'as-target', 'on-behalf'])
    expect(await page('nobody-has-this@example.com')).toEqual([])
    // The filter stays in the form and in the pager's links.
    const html = await (await get(`/admin/audit?email=${encodeURIComponent(targetUser.email)}`, cookie)).text()
    expect(html).toContain(`name="email" type="search" value="${targetUser.email}"`)
  })

  it('answers a filter it cannot use with a message next to the field (422), in the page and the htmx fragment, never a 500', async () => {
    const { cookie } = await signedInAdmin()
    const res = await get('/admin/audit?email=ada%20lovelace&user=nope&from=2026-13-45&to=2026-01-01&action=%3Cx%3E', cookie)
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('Please correct the 4 highlighted fields.')
    expect(html).toContain('id="a-email-error">Type an email address or part of one, without spaces.</p>')
    expect(html).toContain('id="a-user-error">A user id is the full id from the address of a user&#39;s page.</p>')
    expect(html).toContain('id="a-from-error">A date is written YYYY-MM-DD.</p>')
    expect(html).toContain('id="a-action-error">')
    expect(html).toContain('aria-invalid="true"')
    // No rows that the filter did not filter.
    expect(html).toContain('Correct the filter to see events.')
    expect(html).not.toContain('<caption class="is-sr-only">Audit events</caption>')
    const reversed = await get('/admin/audit?from=2026-02-01&to=2026-01-01', cookie)
    expect(reversed.status).toBe(422)
    expect(await reversed.text()).toContain('The end date is before the start date.')
    const fragment = await get('/admin/audit?email=a%20b', cookie, { headers: { 'hx-request': 'true' } })
    expect(fragment.status).toBe(422)
    expect(await fragment.text()).toBe('<div id="audit-results"><p>Correct the filter to see events.</p></div>')
  })

  it('resolves people and the email filter in the page\'s one query: 2 round trips in all', async () => {
    const { admin, cookie } = await signedInAdmin()
    const action = tag()
    // A page full of distinct people: a lookup per row would show as more trips.
    const people = await Promise.all([0, 1, 2].map(() => createTestUser()))
    await insert(people.map((p) => ({ action, actorId: admin.id, onBehalfOfId: p.id, targetType: 'user', targetId: p.id, createdAt: new Date() })))
    for (const path of [`/admin/audit?action=${action}`, `/admin/audit?action=${action}&email=${encodeURIComponent(admin.email)}`]) {
      const counter = countDatabaseRoundTrips()
      try {
        const res = await counter.page(path, cookie)
        expect(res.status).toBe(200)
        expect(res.html).toContain(people[2]!.email)
        expect(counter.total).toBeGreaterThanOrEqual(1)
        expect(counter.total).toBeLessThanOrEqual(2)
      } finally {
        counter.restore()
      }
    }
  })
})
