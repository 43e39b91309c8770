import { describe, expect, it } from 'vitest'
import { and, eq, like } from 'drizzle-orm'
import type Stripe from 'stripe'
import { withDb } from '../helpers/db'
import { createTestUser, get, loginCookie, post } from '../auth/helpers'
import { subscriptions } from '../../src/billing/schema'
import { emailOutbox } from '../../src/email/schema'
import { formatMoney } from '../../src/billing/format'
import { formatDay } from '../../src/platform/format'
import { deliver, useFakeStripe } from './stripe'

// Issue 20: a plan change or a cancellation shows what Stripe will charge (its invoice preview) and asks
// first; confirming bills exactly the previewed amounts (same proration date); a failing preview says so
// and changes nothing.

const fake = useFakeStripe()

async function subscribed(plan = 'pro') {
  const user = await createTestUser()
  const cookie = await loginCookie(user.email)
  const res = await post('/billing/checkout', { plan, interval: 'month' }, cookie)
  const from = fake.standin.events.length
  await fake.standin.completeCheckout(res.headers.get('location')!.split('/').pop()!)
  for (const event of fake.eventsSince(from)) await deliver(event)
  const [row] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.userId, user.id)))
  return { user, cookie, sub: row! }
}

/** The confirmation form's fields, as the browser would send them back. */
function formFields(html: string): Record<string, string> {
  const form = html.slice(html.indexOf('<form method="post" action="/billing/change"'))
  return Object.fromEntries([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]))
}

const shown = (html: string, label: string) => new RegExp(`<dt>${label}</dt><dd>(?:<strong>)?([^<]+?)(?: on ([^<]+))?(?:</strong>)?</dd>`).exec(html)

const stripeSub = (id: string): Stripe.Subscription => fake.standin.state.subscriptions.get(id)
const updates = () => fake.calls.filter((c) => c.method === 'POST' && /^\/v1\/subscriptions\/sub_/.test(c.path)).length

describe('plan change confirmation', () => {
  it('a subscriber’s pricing button leads to the confirmation; nothing changes at Stripe until it is confirmed', async () => {
    const { cookie, sub } = await subscribed()
    const before = updates()
    const res = await post('/billing/checkout', { plan: 'business', interval: 'month' }, cookie)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/billing/change?plan=business&interval=month')
    const page = await get(res.headers.get('location')!, cookie)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Change to Business (monthly)?')
    expect(html).toContain('Unused time on Pro')
    expect(html).toContain('Remaining time on Business')
    expect(shown(html, 'Due today')![1]).toBe('$0.00')
    expect(shown(html, 'Next invoice')![2]).toBe(formatDay(sub.currentPeriodEnd))
    expect(updates()).toBe(before)
    expect(stripeSub(sub.id).items.data[0]!.price.id).toBe(sub.stripePriceId)
    // The pricing page's buttons ask for the same step (GET, htmx into the slot at the top).
    const pricing = await (await get('/pricing', cookie)).text()
    expect(pricing).toContain('id="billing-confirm"')
    expect(pricing).toMatch(/<form method="get" action="\/billing\/change" hx-get="\/billing\/change" hx-target="#billing-confirm"/)
  })

  it('confirming bills exactly what the preview showed: the next invoice carries the previewed amount', async () => {
    const { cookie, sub } = await subscribed()
    const html = await (await get('/billing/change?plan=business&interval=month', cookie)).text()
    const next = shown(html, 'Next invoice')![1]
    const confirmed = await post('/billing/change', formFields(html), cookie)
    expect(confirmed.status).toBe(303)
    expect(confirmed.headers.get('location')).toBe('/billing')
    const [row] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.id, sub.id)))
    expect(row!.planId).toBe('business')
    await fake.standin.renew(sub.id, 'pay')
    const invoice = fake.standin.state.invoices.get(stripeSub(sub.id).latest_invoice as string) as Stripe.Invoice
    expect(formatMoney(invoice.amount_paid, invoice.currency)).toBe(next)
    expect(invoice.lines.data.filter((l) => l.parent?.subscription_item_details?.proration)).toHaveLength(2)
  })

  it('an interval change is billed at once: due today is what Stripe charges, then the yearly price', async () => {
    const { cookie, sub } = await subscribed()
    const html = await (await get('/billing/change?plan=pro&interval=year', cookie, { htmx: true })).text()
    expect(html).not.toContain('<html')
    expect(html).toContain('id="billing-confirm"')
    const dueNow = shown(html, 'Due today')![1]
    expect(dueNow).not.toBe('$0.00')
    expect(shown(html, 'Next invoice')![1]).toBe('$190.00')
    expect((await post('/billing/change', formFields(html), cookie, { htmx: true })).headers.get('hx-redirect')).toBe('/billing')
    const invoice = fake.standin.state.invoices.get(stripeSub(sub.id).latest_invoice as string) as Stripe.Invoice
    expect(invoice.billing_reason).toBe('subscription_update')
    expect(formatMoney(invoice.amount_paid, invoice.currency)).toBe(dueNow)
  })

  it('refuses a confirmation whose price expired, was made up, or whose subscription changed since (409, Stripe untouched)', async () => {
    const { cookie, sub } = await subscribed()
    const fields = formFields(await (await get('/billing/change?plan=business&interval=month', cookie)).text())
    const before = updates()
    const late = await post('/billing/change', { ...fields, proration_date: String(Number(fields.proration_date) - 2 * 3600) }, cookie)
    expect(late.status).toBe(409)
    expect(await late.text()).toContain('has expired')
    expect((await post('/billing/change', { ...fields, proration_date: String(Number(fields.proration_date) + 86_400) }, cookie)).status).toBe(409)
    const stale = await post('/billing/change', { ...fields, from_price: 'price_other' }, cookie)
    expect(stale.status).toBe(409)
    expect(await stale.text()).toContain('changed since you reviewed')
    expect((await post('/billing/change', { plan: 'business', interval: 'month' }, cookie)).status).toBe(400)
    expect(updates()).toBe(before)
    expect(stripeSub(sub.id).items.data[0]!.price.id).toBe(sub.stripePriceId)
  })

  it.each(['500', 'timeout'] as const)('a preview that fails (%s) shows a clear message, as a page and as an htmx fragment; nothing changes', async (kind) => {
    const { cookie, sub } = await subscribed()
    fake.fail(/^POST \/v1\/invoices\/create_preview$/, kind)
    const page = await get('/billing/change?plan=business&interval=month', cookie)
    expect(page.status).toBe(503)
    expect(await page.text()).toContain('could not get the price of this change')
    const fragment = await get('/billing/subscription/cancel', cookie, { htmx: true })
    expect(fragment.status).toBe(503)
    expect(fragment.headers.get('hx-retarget')).toBe('#flash-region')
    expect(await fragment.text()).toContain('nothing was changed or charged')
    const [row] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.id, sub.id)))
    expect(row).toMatchObject({ planId: 'pro', cancelAtPeriodEnd: false })
  })

  it('Stripe failing the confirmed update leaves no half state: a message, the old plan, and the retry goes through', async () => {
    const { cookie, sub } = await subscribed()
    const fields = formFields(await (await get('/billing/change?plan=business&interval=month', cookie)).text())
    fake.fail(/^POST \/v1\/subscriptions\/sub_/, '500')
    const failed = await post('/billing/change', fields, cookie)
    expect(failed.status).toBe(503)
    expect(await failed.text()).toContain('Nothing was charged and nothing changed')
    const [row] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.id, sub.id)))
    expect(row).toMatchObject({ planId: 'pro', stripePriceId: sub.stripePriceId })
    expect(stripeSub(sub.id).items.data[0]!.price.id).toBe(sub.stripePriceId)
    fake.clearFaults()
    expect((await post('/billing/change', fields, cookie)).headers.get('location')).toBe('/billing')
    expect(stripeSub(sub.id).items.data[0]!.price.id).not.toBe(sub.stripePriceId)
  })

  it('without a subscription, or for the plan one is on, says so (409)', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    expect((await get('/billing/change?plan=business&interval=month', cookie)).status).toBe(409)
    const { cookie: subscriber } = await subscribed()
    const same = await get('/billing/change?plan=pro&interval=month', subscriber)
    expect(same.status).toBe(409)
    expect(await same.text()).toContain('already on Pro')
    expect((await get('/billing/change?plan=platinum&interval=month', subscriber)).status).toBe(404)
  })
})

describe('cancel confirmation', () => {
  it('says until when the plan stays and that nothing more is charged; confirming schedules the end', async () => {
    const { cookie, sub } = await subscribed()
    const billing = await (await get('/billing', cookie)).text()
    expect(billing).toMatch(/hx-get="\/billing\/subscription\/cancel"/)
    const html = await (await get('/billing/subscription/cancel', cookie)).text()
    expect(html).toContain(`Your plan stays active until ${formatDay(sub.currentPeriodEnd)}; you won’t be charged again.`)
    expect(stripeSub(sub.id).cancel_at_period_end).toBe(false)
    // Downgrading to Free from /pricing is the same question.
    expect((await post('/billing/checkout', { plan: 'free' }, cookie)).headers.get('location')).toBe('/billing/subscription/cancel')
    expect((await post('/billing/subscription/cancel', {}, cookie)).status).toBe(303)
    expect(stripeSub(sub.id).cancel_at_period_end).toBe(true)
    const again = await get('/billing/subscription/cancel', cookie)
    expect(again.status).toBe(409)
  })
})

/** The subscription mail to `email` whose subject ends with `subject`, once the real queue has rendered it. */
async function subscriptionMail(email: string, subject: string): Promise<{ subject: string; text: string }> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const [mail] = await withDb((db) => db.select().from(emailOutbox)
      .where(and(eq(emailOutbox.recipient, email), eq(emailOutbox.template, 'subscription-changed'), like(emailOutbox.subject, `%${subject}`))))
    if (mail) return mail
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`no subscription mail "… ${subject}" to ${email}`)
}

describe('subscription mails (issue 20: each event its own words)', () => {
  it('subscribing thanks; scheduling the end says until when, never "canceled"; resuming does not thank again', async () => {
    const { user, cookie, sub } = await subscribed()
    const welcome = await subscriptionMail(user.email, 'is active')
    expect(welcome.text).toContain('Thank you for subscribing')

    await post('/billing/subscription/cancel', {}, cookie)
    const scheduled = await subscriptionMail(user.email, 'will end')
    expect(scheduled.text).toContain(`Active until: ${new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(sub.currentPeriodEnd)}`)
    expect(`${scheduled.subject}\n${scheduled.text}`).not.toMatch(/cancel(l)?ed/i)

    await post('/billing/subscription/resume', {}, cookie)
    const resumed = await subscriptionMail(user.email, 'continues')
    expect(resumed.text).not.toMatch(/thank you for subscribing/i)
    expect(resumed.text).toContain('no longer set to end')
  })
})
