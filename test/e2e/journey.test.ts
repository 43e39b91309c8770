import fs from 'node:fs'
import pg from 'pg'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { formatCount, formatMoney, formatPrice } from '../../src/billing/format'
import { launchBrowser, takeScreenshot, watchPage, waitForScripts, type LaunchedBrowser, type PageProblems } from './browser'
import { createAdminInDatabase, createApiKey, logIn, payOnStandin, pickFiles, signUp, verifyThroughOutbox, type Person } from './steps'

// The product walked end to end as a customer and then an operator would (issue 21), against the real
// `wrangler dev` of global-setup: the Stripe stand-in's hosted checkout and its signed webhooks, the mail
// outbox, the thumbnailer Worker, embedded Postgres. The areas' own tests check each page in depth (axe,
// widths, refusals); this one checks that the steps connect. One screenshot per step:
// test-results/journey-NN-<step>.png.
const baseUrl = inject('baseUrl')
const databaseUrl = inject('e2eDatabaseUrl')
const standinUrl = inject('stripeStandinUrl')
const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 6)}`
const customer: Person = { name: 'Jo Journey', email: `journey-${stamp}@example.com`, password: 'journey customer passphrase' }
const operator: Person = { name: 'Olu Operator', email: `operator-${stamp}@example.com`, password: 'journey operator passphrase' }
const photo = fs.readFileSync('test/fixtures/files/photo.jpg')
const smallPng = fs.readFileSync('test/fixtures/files/small.png')

let customerBrowser: LaunchedBrowser
let operatorBrowser: LaunchedBrowser
beforeAll(async () => {
  ;[customerBrowser, operatorBrowser] = await Promise.all([launchBrowser(), launchBrowser()])
})
afterAll(async () => {
  await customerBrowser?.close()
  await operatorBrowser?.close()
})

let step = 0
/** The page as the person sees it at this step. */
async function shoot(page: Page, name: string): Promise<void> {
  step += 1
  await takeScreenshot(page, `journey-${String(step).padStart(2, '0')}-${name}`, { fullPage: true })
}

async function open(page: Page, path: string): Promise<void> {
  await page.goto(`${baseUrl}${path}`)
  await waitForScripts(page)
}

/** One row the journey needs from outside the pages (the account's id, the plan's figures). */
async function queryOne<T>(sql: string, params: unknown[]): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return (await client.query(sql, params)).rows[0] as T
  } finally {
    await client.end()
  }
}

function expectNoProblems(problems: PageProblems): void {
  expect(problems.cspViolations).toEqual([])
  expect(problems.pageErrors).toEqual([])
}

describe('the customer and operator journey in Chromium', () => {
  it('public pages → sign up → verify → Pro at checkout → files → API → quota → invoices → cancel → admin', async () => {
    // The figures the pages should show come from the catalogue, as the app reads them.
    const pro = await queryOne<{ name: string; monthlyPrice: number; currency: string; uploads: number; apiRequests: number }>(
      `select name, monthly_price as "monthlyPrice", currency, uploads_per_month as uploads, api_requests_per_month as "apiRequests" from plans where id = 'pro'`, [])
    const page = await customerBrowser.newPage()
    const problems = await watchPage(page)

    // Public pages: the home page leads to pricing, pricing to sign-up.
    await open(page, '/')
    await shoot(page, 'home')
    await Promise.all([page.waitForURL(`${baseUrl}/pricing`), page.locator('main').getByRole('link', { name: 'See pricing' }).first().click()])
    await waitForScripts(page)
    await page.locator('[data-interval-panel="month"]').getByText(formatPrice(pro.monthlyPrice, pro.currency)).first().waitFor()
    await shoot(page, 'pricing')

    // Pricing's Get Pro leads to sign-up; then the address is confirmed with the link of the mail the
    // queue put in the outbox.
    await Promise.all([page.waitForURL(`${baseUrl}/signup?**`), page.locator('[data-interval-panel="month"]').getByRole('link', { name: `Get ${pro.name}` }).click()])
    await signUp(page, baseUrl, customer)
    await shoot(page, 'verify-email')
    await verifyThroughOutbox(page, baseUrl, customer.email)
    await page.getByText('Email verified', { exact: true }).waitFor()
    await shoot(page, 'verified')

    // Pro on the stand-in's hosted checkout page; its signed webhooks make the account Pro.
    await open(page, '/pricing')
    const monthly = page.locator('[data-interval-panel="month"]')
    await Promise.all([page.waitForURL(`${standinUrl}/checkout/**`), monthly.getByRole('button', { name: `Upgrade to ${pro.name}` }).click()])
    await shoot(page, 'checkout')
    await payOnStandin(page, baseUrl)
    expect(await page.locator('main').textContent()).toContain(`your account is on ${pro.name}`)
    await shoot(page, 'paid')

    // The dashboard: Pro, active, and Pro's quotas.
    await open(page, '/dashboard')
    const planCard = page.locator('.billing-card')
    await expect(planCard.locator('.title').textContent()).resolves.toContain(pro.name)
    expect(await planCard.textContent()).toContain('Active')
    expect(await planCard.textContent()).toContain(formatCount(pro.apiRequests))
    await shoot(page, 'dashboard-pro')

    // Two images through the picker; the thumbnailer Worker makes their thumbnails, which the list polls for.
    await open(page, '/files')
    await pickFiles(page, [
      { name: 'harbour.jpg', mimeType: 'image/jpeg', buffer: photo },
      { name: 'logo.png', mimeType: 'image/png', buffer: smallPng },
    ])
    for (const name of ['harbour.jpg', 'logo.png']) {
      const thumbnail = page.getByRole('img', { name: `Thumbnail of ${name}` })
      await thumbnail.waitFor({ timeout: 30_000 })
      await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true)
    }
    await shoot(page, 'files-thumbnails')

    // An API key, and the API with it: the same two files.
    const key = await createApiKey(page, baseUrl, 'Journey script')
    await shoot(page, 'api-key')
    const api = await fetch(`${baseUrl}/api/v1/files`, { headers: { authorization: `Bearer ${key}` } })
    expect(api.status).toBe(200)
    expect(((await api.json()) as { files: { name: string }[] }).files.map((f) => f.name).sort()).toEqual(['harbour.jpg', 'logo.png'])

    // The quota: uploads is the one a person hits from a page. 5,000 uploads cannot be made in a test, so
    // the operator (an admin written into the database) sets the meter to Pro's limit with the admin's
    // "Set meter" action; the next upload is refused with the upgrade message.
    const userId = (await queryOne<{ id: string }>('select id from users where email = $1', [customer.email])).id
    await createAdminInDatabase(databaseUrl, operator)
    const admin = await operatorBrowser.newPage()
    const adminProblems = await watchPage(admin)
    await logIn(admin, baseUrl, operator)
    await open(admin, `/admin/users/${userId}`)
    await admin.getByLabel('Meter', { exact: true }).selectOption('uploads')
    await admin.getByLabel('New value').fill(String(pro.uploads))
    await admin.getByLabel('Reason').fill('journey test: at the Pro limit')
    await Promise.all([admin.waitForURL(`${baseUrl}/admin/users/${userId}`), admin.getByRole('button', { name: 'Set meter' }).click()])
    await admin.getByText(`Meter uploads set from 2 to ${pro.uploads}.`).waitFor()
    await shoot(admin, 'admin-set-meter')

    await open(page, '/files')
    await pickFiles(page, [{ name: 'one-more.jpg', mimeType: 'image/jpeg', buffer: photo }])
    const refused = page.locator('.upload-item', { hasText: 'one-more.jpg' })
    await refused.getByText(`You have used all ${pro.uploads} uploads of this period. Uploads start again next period, or upgrade your plan.`).waitFor()
    await expect(refused.getAttribute('data-status')).resolves.toBe('error')
    await shoot(page, 'quota-reached')

    // Billing history: the invoice the webhook stored, with its PDF.
    await open(page, '/billing')
    const main = page.locator('main')
    await expect(main.locator('h2').first().textContent()).resolves.toContain(pro.name)
    const invoice = main.locator('#invoice-history tbody tr').first()
    expect(await invoice.textContent()).toContain(formatMoney(pro.monthlyPrice, pro.currency))
    const pdf = await fetch((await invoice.getByRole('link', { name: /PDF/ }).getAttribute('href'))!)
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    expect((await pdf.text()).startsWith('%PDF-')).toBe(true)
    await shoot(page, 'billing-history')

    // Cancel: the confirmation says until when the plan stays (from Stripe's preview), then it is done.
    await page.getByRole('link', { name: 'Cancel subscription' }).click()
    const confirm = page.locator('#billing-confirm')
    await confirm.getByRole('heading', { name: 'Cancel your subscription?' }).waitFor()
    expect(await confirm.textContent()).toMatch(/Your plan stays active until \d{4}-\d{2}-\d{2}/)
    await shoot(page, 'cancel-confirm')
    await confirm.getByRole('button', { name: 'Cancel at period end' }).click()
    await page.getByRole('button', { name: 'Resume subscription' }).waitFor()
    await shoot(page, 'canceled')
    expectNoProblems(problems)

    // The operator finds the customer by email, sees the subscription ending and the audit trail.
    await open(admin, '/admin/users')
    await admin.getByLabel('Search by email or name').fill(customer.email)
    await admin.waitForURL((url) => url.searchParams.get('q') === customer.email)
    await Promise.all([admin.waitForURL(`${baseUrl}/admin/users/${userId}`), admin.locator('#user-results').getByRole('link', { name: customer.name }).click()])
    await waitForScripts(admin)
    const subscription = admin.locator('section, div', { has: admin.getByRole('heading', { name: 'Subscription and invoices' }) }).last()
    await expect(subscription.textContent()).resolves.toMatch(/pro \(month\).*Active.*ends \d{4}-\d{2}-\d{2}/s)
    await shoot(admin, 'admin-user')
    await Promise.all([admin.waitForURL(`${baseUrl}/admin/audit?user=${userId}`), admin.getByRole('link', { name: 'Audit log for this user' }).click()])
    const trail = admin.locator('#audit-results tbody')
    // A change is recorded by whichever applied it first: our own call after Stripe answered, or Stripe's
    // webhook (the stand-in sends its events without holding up the call, like Stripe). Newest first.
    await expect(trail.locator('tr').first().textContent(), 'the cancellation').resolves.toMatch(/billing\.cancel|stripe\.customer\.subscription\.updated/)
    // Stripe's events arrive concurrently and in any order (the stand-in shuffles them, as Stripe may), so
    // the move to Pro is one of the rows, not necessarily the oldest (an invoice.paid row may be older).
    const rows = await trail.locator('tr').allTextContents()
    expect(rows.some((row) => /(billing\.checkout_confirmed|stripe\.[a-z_.]+).*planId\s*pro\s*status\s*active/s.test(row)), `the move to Pro in:\n${rows.join('\n')}`).toBe(true)
    await expect(trail.locator('tr', { hasText: 'usage.adjust' }).getByRole('link', { name: operator.name }).count(), 'the operator\'s Set meter').resolves.toBe(1)
    await shoot(admin, 'admin-audit')
    expectNoProblems(adminProblems)
  }, 180_000) // 45-92 s alone on the shared 2-core machine (by load), ~100 s beside another browser file
})
