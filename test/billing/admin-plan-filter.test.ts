import { describe, expect, it } from 'vitest'
import { withDb } from '../helpers/db'
import { createTestUser, get } from '../auth/helpers'
import { signedInAdmin } from '../admin/helpers'
import { subscriptions } from '../../src/billing/schema'

// Billing's contribution to the admin users list (Feature.adminUserFilters, issue 13): a Plan filter and
// a Plan column, evaluated inside auth's one search query.
async function subscribe(userId: string, planId: string, status: string) {
  await withDb((db) => db.insert(subscriptions).values({
    id: `sub_${crypto.randomUUID().slice(0, 12)}`, userId, stripeCustomerId: `cus_${userId.slice(0, 8)}`, planId, interval: 'month',
    stripeItemId: 'si_x', stripePriceId: 'price_x', status,
    currentPeriodStart: new Date('2026-11-01T00:00:00Z'), currentPeriodEnd: new Date('2026-12-01T00:00:00Z'),
  }))
}

const names = (html: string) => [...html.matchAll(/<a href="\/admin\/users\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]).sort()

describe('admin users list: filter and column by plan (from billing)', () => {
  it('finds Pro, Business and Free accounts; a lapsed subscription counts as Free', async () => {
    const { cookie } = await signedInAdmin()
    const tag = `plan${crypto.randomUUID().slice(0, 8)}`
    const pro = await createTestUser({ name: `${tag} pro` })
    const business = await createTestUser({ name: `${tag} business` })
    const lapsed = await createTestUser({ name: `${tag} lapsed` })
    await createTestUser({ name: `${tag} free` })
    await subscribe(pro.id, 'pro', 'active')
    await subscribe(business.id, 'business', 'past_due')
    await subscribe(lapsed.id, 'pro', 'canceled')

    const page = await (await get(`/admin/users?q=${tag}`, cookie)).text()
    expect(page).toContain('<label class="label" for="f-plan">Plan</label>')
    expect(page).toMatch(/<option value="pro">Pro<\/option>/)
    expect(page).toContain('data-label="Plan">Business</td>')

    expect(names(await (await get(`/admin/users?q=${tag}&plan=pro`, cookie)).text())).toEqual([`${tag} pro`])
    expect(names(await (await get(`/admin/users?q=${tag}&plan=business`, cookie)).text())).toEqual([`${tag} business`])
    expect(names(await (await get(`/admin/users?q=${tag}&plan=free`, cookie)).text())).toEqual([`${tag} free`, `${tag} lapsed`])
    // The htmx fragment filters the same way, and keeps the filter in its pager links.
    const fragment = await (await get(`/admin/users?q=${tag}&plan=pro`, cookie, { htmx: true })).text()
    expect(fragment).not.toContain('<form')
    expect(names(fragment)).toEqual([`${tag} pro`])
  })

  it('ignores a plan value it cannot use, rather than failing', async () => {
    const { cookie } = await signedInAdmin()
    const tag = `plan${crypto.randomUUID().slice(0, 8)}`
    await createTestUser({ name: `${tag} someone` })
    for (const value of ["pro'; drop table users;--", 'x'.repeat(300), '%00']) {
      const res = await get(`/admin/users?q=${tag}&plan=${encodeURIComponent(value)}`, cookie)
      expect(res.status).toBe(200)
      expect(names(await res.text())).toEqual([`${tag} someone`])
    }
    // A well-formed id that no plan has matches no one.
    expect(await (await get(`/admin/users?q=${tag}&plan=enterprise`, cookie)).text()).toContain('No users match.')
  })
})
