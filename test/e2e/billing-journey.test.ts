import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { expectNoSeriousA11yViolations, launchBrowser, lookAtWidths, takeScreenshot, watchPage, waitForScripts, type LaunchedBrowser } from './browser'
import { payOnStandin, signUp, markVerifiedInDatabase } from './steps'

// The whole paid journey with no Stripe account and no network: the app under `wrangler dev` talks to the
// local Stripe stand-in (started by global-setup), whose checkout page sends signed webhooks back.
const baseUrl = inject('baseUrl')
const standinUrl = inject('stripeStandinUrl')
const email = `billing-${Date.now()}@example.com`

let chrome: LaunchedBrowser
beforeAll(async () => { chrome = await launchBrowser() })
afterAll(async () => { await chrome?.close() })

describe('billing journey in Chromium (local Stripe stand-in)', () => {
  it('pricing → checkout → pay → success page → /billing shows Pro and an invoice', async () => {
    const page = await chrome.newPage()
    const problems = await watchPage(page)

    // A signed-up user; the address is confirmed in the database (the mail journey has its own test).
    await signUp(page, baseUrl, { name: 'Billing Tester', email, password: 'billing journey passphrase' })
    await markVerifiedInDatabase(inject('e2eDatabaseUrl'), email)

    // Pricing: the current plan is marked; the toggle (plain script, no Alpine: ADR 0103) flips to yearly
    // prices and back in place.
    await page.goto(`${baseUrl}/pricing`)
    await waitForScripts(page)
    await expect(page.locator('.test-mode-tag, .tag.is-warning').first().textContent()).resolves.toContain('Test mode')
    const monthly = page.locator('[data-interval-panel="month"]')
    const yearly = page.locator('[data-interval-panel="year"]')
    expect(await monthly.getByText('Your current plan').isVisible()).toBe(true)
    await page.getByRole('button', { name: 'Yearly' }).click()
    await yearly.waitFor({ state: 'visible' })
    expect(await monthly.isVisible()).toBe(false)
    expect(await yearly.textContent()).toContain('$190')
    expect(await page.getByRole('button', { name: 'Yearly' }).getAttribute('aria-pressed')).toBe('true')
    await page.getByRole('button', { name: 'Monthly' }).click()
    await monthly.waitFor({ state: 'visible' })
    expect(page.url()).toBe(`${baseUrl}/pricing`)
    expect(await page.evaluate(() => 'Alpine' in window)).toBe(false)
    await expectNoSeriousA11yViolations(page, '/pricing')
    await takeScreenshot(page, 'billing-pricing', { fullPage: true })

    // Checkout on the stand-in: a declined card first, then one that pays.
    await Promise.all([page.waitForURL(`${standinUrl}/checkout/**`), monthly.getByRole('button', { name: 'Upgrade to Pro' }).click()])
    expect(await page.textContent('body')).toContain('Test mode')
    await page.getByLabel(/card declined/).check()
    await page.getByRole('button', { name: 'Pay and subscribe' }).click()
    await page.getByRole('alert').getByText('Your card was declined').waitFor()
    await payOnStandin(page, baseUrl)
    await waitForScripts(page)
    expect(await page.locator('main').textContent()).toContain('your account is on Pro')
    await expectNoSeriousA11yViolations(page, '/billing/success')

    // /billing: Pro, active, the quotas, and the invoice the webhook stored, with its PDF.
    await page.goto(`${baseUrl}/billing`)
    await waitForScripts(page)
    const main = page.locator('main')
    await expect(main.locator('h2').first().textContent()).resolves.toContain('Pro')
    expect(await main.textContent()).toContain('Active')
    expect(await main.textContent()).toContain('50,000')
    const row = main.locator('#invoice-history tbody tr').first()
    expect(await row.textContent()).toContain('LOCAL-')
    expect(await row.textContent()).toContain('$19.00')
    const pdf = await row.getByRole('link', { name: /PDF/ }).getAttribute('href')
    const pdfResponse = await fetch(pdf!)
    expect(pdfResponse.headers.get('content-type')).toBe('application/pdf')
    expect((await pdfResponse.text()).startsWith('%PDF-')).toBe(true)
    await expectNoSeriousA11yViolations(page, '/billing')
    await takeScreenshot(page, 'billing-page', { fullPage: true })

    // Issue 20: a plan change asks first, with Stripe's preview, swapped in by htmx at the top of /pricing.
    await page.goto(`${baseUrl}/pricing`)
    await waitForScripts(page)
    await monthly.getByRole('button', { name: 'Upgrade to Business' }).click()
    const confirm = page.locator('#billing-confirm')
    await confirm.getByRole('heading', { name: 'Change to Business (monthly)?' }).waitFor()
    expect(page.url()).toBe(`${baseUrl}/pricing`)
    expect(await confirm.textContent()).toContain('Due today')
    expect(await confirm.textContent()).toContain('Unused time on Pro')
    await lookAtWidths(page, 'billing-change-confirm', { noOverflow: true })
    await Promise.all([page.waitForURL(`${baseUrl}/billing`), confirm.getByRole('button', { name: 'Confirm change to Business' }).click()])
    await expect(main.locator('h2').first().textContent()).resolves.toContain('Business')

    // Cancelling asks too: until when the plan stays, and that nothing more is charged (after the final
    // invoice of the prorations the change above left pending, which the preview names).
    await waitForScripts(page)
    await page.getByRole('link', { name: 'Cancel subscription' }).click()
    await confirm.getByRole('heading', { name: 'Cancel your subscription?' }).waitFor()
    expect(await confirm.textContent()).toMatch(/Your plan stays active until \d{4}-\d{2}-\d{2}[;.].*won’t be charged again/)
    await lookAtWidths(page, 'billing-cancel-confirm', { noOverflow: true })
    await confirm.getByRole('button', { name: 'Cancel at period end' }).click()
    await page.getByRole('button', { name: 'Resume subscription' }).waitFor()

    expect(problems.cspViolations).toEqual([])
    expect(problems.pageErrors).toEqual([])
    await page.close()
  })
})
