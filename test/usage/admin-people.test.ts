import { inArray } from 'drizzle-orm'
import { describe, expect, it, vi } from 'vitest'
import { usageAdjustments, usageMeters } from '../../src/usage/schema'
import { withDb } from '../helpers/db'
import { signedInAdmin } from '../admin/helpers'
import { createTestUser, get } from '../auth/helpers'

vi.setConfig({ testTimeout: 60_000 })

// Issue 20, item 5: usage's admin contributions name people (name and email, linked), not id fragments.
describe('usage in the admin area names people', () => {
  it('the overview\'s heaviest API users are named; a deleted account shows as "deleted user" and its short id', async () => {
    const { cookie } = await signedInAdmin()
    const heavy = await createTestUser({ name: 'Heavy Caller' })
    const gone = crypto.randomUUID()
    const now = new Date()
    const period = { periodStart: new Date(now.getTime() - 86_400_000), periodEnd: new Date(now.getTime() + 86_400_000) }
    // Far above anything a test consumes, so both are the top two of the shared database.
    const rows = [
      { userId: heavy.id, metric: 'api_requests', used: 9_000_000_000_001, limit: null, ...period },
      { userId: gone, metric: 'api_requests', used: 9_000_000_000_000, limit: null, ...period },
    ]
    await withDb((db) => db.insert(usageMeters).values(rows))
    try {
      const html = await (await get('/admin', cookie)).text()
      const panel = /Most API requests this period[\s\S]*?<\/table>/.exec(html)?.[0] ?? ''
      const [first, second] = panel.match(/<tr><td>[\s\S]*?<\/tr>/g) ?? []
      expect(first).toContain(`<a href="/admin/users/${heavy.id}">Heavy Caller</a><span class="person-email is-block is-size-7">${heavy.email}</span>`)
      expect(first).toContain('9000000000001')
      expect(second).toContain(`deleted user ${gone.slice(0, 8)}</span>`)
      expect(second).not.toContain(`href="/admin/users/${gone}"`)
    } finally {
      await withDb((db) => db.delete(usageMeters).where(inArray(usageMeters.userId, [heavy.id, gone])))
    }
  })

  it('an account\'s adjustments name the admin who made them', async () => {
    const { admin, cookie } = await signedInAdmin()
    const user = await createTestUser()
    await withDb((db) => db.insert(usageAdjustments).values([
      { userId: user.id, metric: 'uploads', kind: 'adjust', before: 5, after: 1, reason: 'ticket 7', actorId: admin.id, appliedAt: new Date() },
      { userId: user.id, metric: 'uploads', kind: 'reset', before: 1, after: 0, reason: 'nightly', actorId: null, appliedAt: new Date(), createdAt: new Date(Date.now() - 60_000) },
    ]))
    const html = await (await get(`/admin/users/${user.id}`, cookie)).text()
    const table = /<caption[^>]*>Adjustments<\/caption>[\s\S]*?<\/table>/.exec(html)?.[0] ?? ''
    expect(table).toContain(`<td><span class="person"><a href="/admin/users/${admin.id}">Ada Admin</a><span class="person-email is-block is-size-7">${admin.email}</span></span></td>`)
    expect(table).toContain('<td>system</td>')
    expect(table).not.toContain(`>${admin.id.slice(0, 8)}<`)
  })
})
