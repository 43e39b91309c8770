import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import { withDb } from '../helpers/db'
import { request } from '../helpers/http'
import { createTestUser, get, loginCookie, post } from '../auth/helpers'
import { composeRegistry, type AppEvents, type Feature } from '../../src/platform/feature'
import { billingFeature } from '../../src/billing'
import { syncSubscription } from '../../src/billing/manage'
import { invoices } from '../../src/billing/schema'
import { appStripeClient, useFakeStripe } from './stripe'

const fake = useFakeStripe()

describe('/pricing', () => {
  it('shows every plan from the catalogue with a call to action, the recommended one highlighted', async () => {
    const res = await request('/pricing')
    expect(res.status).toBe(200)
    const html = await res.text()
    const monthly = html.slice(html.indexOf('data-interval-panel="month"'), html.indexOf('data-interval-panel="year"'))
    expect(monthly.match(/class="card pricing-card/g)).toHaveLength(3)
    expect(monthly).toContain('$19')
    expect(monthly).toContain('Start free')
    expect(monthly).toContain('Get Pro')
    expect(monthly).toMatch(/pricing-card is-recommended[\s\S]*?Pro/)
    // The same units as every other page (issue 20; migration 0011): the limits are binary.
    expect(monthly).toContain('100 MiB of file storage')
    expect(monthly).toContain('10 GiB of file storage')
    expect(monthly).not.toMatch(/\d (MB|GB)\b/)
    expect(html).toContain('Test mode')
    // Its forms redirect to Stripe: the page's CSP lets them.
    expect(res.headers.get('content-security-policy')).toMatch(/form-action 'self' https:\/\/checkout\.stripe\.com https:\/\/billing\.stripe\.com/)
  })

  it('without JavaScript, ?interval=year shows the yearly prices; signed in, the current plan is marked', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const html = await (await get('/pricing?interval=year', cookie)).text()
    expect(html).toMatch(/data-interval-panel="month" hidden/)
    expect(html).not.toMatch(/data-interval-panel="year" hidden/)
    expect(html).toContain('$190')
    expect(html).toContain('Your current plan')
    expect(html).toContain('Upgrade to Pro')
    expect(html).not.toContain('Get Pro')
  })

  it('the home page teaser reads the same catalogue', async () => {
    const html = await (await request('/')).text()
    expect(html).toContain('50,000 API requests a month')
    expect(html).toContain('$99')
  })
})

describe('/billing', () => {
  it('needs a session', async () => {
    const res = await request('/billing')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login?next=%2Fbilling')
  })

  it('pages the billing history with htmx (10 a page), newest first', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    await withDb((db) => db.insert(invoices).values(Array.from({ length: 12 }, (_, i) => ({
      id: `in_${user.id.slice(0, 8)}_${i}`, userId: user.id, number: `T-${String(i).padStart(3, '0')}`, status: 'paid', currency: 'usd',
      amountDue: 1900, amountPaid: 1900, hostedInvoiceUrl: `https://invoice.stripe.com/i/${i}`, invoicePdf: `https://pay.stripe.com/invoice/${i}/pdf`,
      stripeCreatedAt: new Date(Date.UTC(2026, 0, 1 + i)),
    }))))
    const first = await (await get('/billing', cookie)).text()
    expect(first.match(/<td>T-0\d\d<\/td>/g)).toHaveLength(10)
    expect(first.indexOf('T-011')).toBeLessThan(first.indexOf('T-010'))
    expect(first).toContain('hx-get="/billing/invoices?page=2"')
    const second = await get('/billing/invoices?page=2', cookie, { htmx: true })
    const fragment = await second.text()
    expect(fragment).not.toContain('<html')
    expect(fragment.match(/<td>T-0\d\d<\/td>/g)).toEqual(['<td>T-001</td>', '<td>T-000</td>'])
    expect(fragment).toContain('href="https://pay.stripe.com/invoice/0/pdf"')
    expect(fragment).toContain('Newer')
    // Without htmx the same page is the full /billing page.
    expect((await get('/billing/invoices?page=2', cookie)).headers.get('location')).toBe('/billing?page=2')
    expect((await get('/billing?page=abc', cookie)).status).toBe(200)
  })

  it('shows each invoice status as a coloured tag, and the Free plan’s name once (issue 20)', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const statuses = ['paid', 'open', 'void', 'uncollectible', 'draft']
    await withDb((db) => db.insert(invoices).values(statuses.map((status, i) => ({
      id: `in_tag_${user.id.slice(0, 8)}_${i}`, userId: user.id, number: `TAG-${i}`, status, currency: 'usd', amountDue: 1900, amountPaid: status === 'paid' ? 1900 : 0,
      stripeCreatedAt: new Date(Date.UTC(2026, 0, 1 + i)),
    }))))
    const html = await (await get('/billing', cookie)).text()
    expect(html).toContain('<span class="tag is-success">Paid</span>')
    expect(html).toContain('<span class="tag is-warning">Open</span>')
    expect(html).toContain('<span class="tag is-light">Void</span>')
    expect(html).toContain('<span class="tag is-danger">Uncollectible</span>')
    expect(html).toContain('<span class="tag is-info is-light">Draft</span>')
    expect(html).not.toMatch(/<td>(paid|open|void|uncollectible|draft)<\/td>/)
    // "Free", not "Free [Free]": no subscription, no status tag after the plan's name.
    expect(html).toMatch(/<h2 class="title is-4">Free\s*<\/h2>/)
    expect(html).not.toMatch(/Free\s*<span class="tag[^"]*">Free<\/span>/)
  })

  it('only shows your own invoices', async () => {
    const owner = await createTestUser()
    await withDb((db) => db.insert(invoices).values({ id: `in_own_${owner.id.slice(0, 8)}`, userId: owner.id, number: 'MINE-1', status: 'paid', currency: 'usd', amountDue: 1, amountPaid: 1, stripeCreatedAt: new Date() }))
    const other = await createTestUser()
    expect(await (await get('/billing', await loginCookie(other.email))).text()).not.toContain('MINE-1')
  })

  it('cancel and resume without a subscription say so (409), not 500', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const res = await post('/billing/subscription/cancel', {}, cookie)
    expect(res.status).toBe(409)
    expect(await res.text()).toContain('no active subscription')
  })
})

describe('registry contributions', () => {
  it('announces billing.plan_changed with the new limits and period to listening features', async () => {
    const seen: AppEvents['billing.plan_changed'][] = []
    const probe: Feature = { name: 'probe', on: { 'billing.plan_changed': async (payload) => { seen.push(payload) } } }
    const registry = composeRegistry([billingFeature, probe])
    const user = await createTestUser()
    const stripe = await appStripeClient()
    const customer = await stripe.customers.create({ metadata: { user_id: user.id } })
    const [price] = (await stripe.prices.list({ lookup_keys: ['quickscale_business_year'] })).data
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', customer: customer.id, line_items: [{ price: price!.id, quantity: 1 }], success_url: 'http://localhost/ok' })
    await fake.standin.completeCheckout(session.id)
    const sub = await stripe.subscriptions.retrieve((await stripe.checkout.sessions.retrieve(session.id)).subscription as string)
    await withDb((db) => syncSubscription({ db, env, registry, now: new Date() }, user.id, sub, 'test'))
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ userId: user.id, planId: 'business', limits: { apiRequestsPerMonth: 500000 } })
    expect(seen[0]!.periodEnd.getTime() - seen[0]!.periodStart.getTime()).toBeGreaterThan(360 * 86400_000)
    // Writing the same state again changes nothing and announces nothing.
    await withDb((db) => syncSubscription({ db, env, registry, now: new Date() }, user.id, sub, 'test'))
    expect(seen).toHaveLength(1)
  })

  it('adds Pricing to the public navbar, Billing to the app sidebar, the plan badge and a plan card to the dashboard', async () => {
    expect(await (await request('/about')).text()).toMatch(/href="\/pricing"/)
    expect(await (await request('/about')).text()).not.toMatch(/href="\/billing"/)
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const dashboard = await (await get('/dashboard', cookie)).text()
    expect(dashboard.slice(dashboard.indexOf('id="app-sidebar"'), dashboard.indexOf('</aside>'))).toMatch(/href="\/billing"/)
    expect(dashboard.slice(dashboard.indexOf('class="account-menu"'), dashboard.indexOf('</details>'))).toContain('<span class="tag is-primary is-light">Free</span>')
    expect(dashboard).toContain('100 MiB</strong> of storage')
  })

  it('gives admins subscription figures (MRR, by plan, failed payments)', async () => {
    const admin = await createTestUser({ role: 'admin' })
    const html = await (await get('/admin', await loginCookie(admin.email))).text()
    expect(html).toContain('Subscriptions')
    expect(html).toMatch(/MRR:<\/strong> \$[\d,]+\.\d\d/)
    expect(html).toContain('Failed payments')
  })
})
