import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Page } from 'playwright-core'
import pg from 'pg'
import { expectNoSeriousA11yViolations, launchBrowser, takeScreenshot, watchPage, waitForScripts, type LaunchedBrowser } from './browser'
import { signUp as signUpStep } from './steps'

const baseUrl = inject('baseUrl')
const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 6)}`
const adminEmail = `admin-${stamp}@example.com`
const userEmail = `member-${stamp}@example.com`
const password = 'admin journey passphrase'

let adminBrowser: LaunchedBrowser
let userBrowser: LaunchedBrowser
beforeAll(async () => {
  adminBrowser = await launchBrowser()
  userBrowser = await launchBrowser()
})
afterAll(async () => {
  await adminBrowser?.close()
  await userBrowser?.close()
})

const signUp = (page: Page, name: string, email: string) => signUpStep(page, baseUrl, { name, email, password })

/** No sideways scrolling of the whole page at a phone width: wide tables stack instead. */
async function expectFitsPhone(page: Page, label: string) {
  await page.setViewportSize({ width: 390, height: 844 })
  expect(await page.evaluate(() => document.documentElement.scrollWidth), label).toBeLessThanOrEqual(390)
  await expectNoSeriousA11yViolations(page, `${label} at 390px`)
  await takeScreenshot(page, `admin-${label}-390`, { fullPage: true })
  await page.setViewportSize({ width: 1280, height: 900 })
}

describe('admin in Chromium', () => {
  it('an admin searches a user and deactivates them; the user’s open session is refused at its next request', async () => {
    // The member signs up and stays signed in in their own browser.
    const userPage = await userBrowser.newPage()
    await signUp(userPage, 'Mia Member', userEmail)
    expect((await userPage.goto(`${baseUrl}/dashboard`))?.status()).toBe(200)

    // The admin signs up and is promoted in the database (roles change only there or in the admin area).
    const page = await adminBrowser.newPage()
    const problems = await watchPage(page)
    await signUp(page, 'Ada Admin', adminEmail)
    const client = new pg.Client({ connectionString: inject('e2eDatabaseUrl') })
    await client.connect()
    await client.query(`update users set role = 'admin' where email = $1`, [adminEmail])
    await client.end()

    await page.goto(`${baseUrl}/admin`)
    await waitForScripts(page)
    await expect(page.locator('#signup-chart g.bar-chart-bar').count()).resolves.toBe(30)
    await expectNoSeriousA11yViolations(page, '/admin')
    await expectFitsPhone(page, 'overview')

    // Search as you type (htmx swaps only the results).
    await page.goto(`${baseUrl}/admin/users`)
    await waitForScripts(page)
    await page.getByLabel('Search by email or name').fill(userEmail)
    // htmx pushes the query into the URL once the results for the whole address are in.
    await page.waitForURL((url) => url.searchParams.get('q') === userEmail, { timeout: 10_000 })
    await expect.poll(() => page.locator('#user-results tbody tr').count(), { timeout: 10_000 }).toBe(1)
    const result = page.locator('#user-results').getByRole('link', { name: 'Mia Member' })
    await expect(result.isVisible()).resolves.toBe(true)
    await expectNoSeriousA11yViolations(page, '/admin/users')
    await expectFitsPhone(page, 'users')

    await Promise.all([page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/), result.click()])
    await waitForScripts(page)
    await expectNoSeriousA11yViolations(page, 'user page')
    await expectFitsPhone(page, 'user')
    // Issue 20: a wrong password for "log in as" keeps the form, with the message under the field (htmx
    // swaps only the form: same page, nothing else reloads).
    const userUrl = page.url()
    await page.getByLabel('Your password').fill('not the admin password')
    await page.getByRole('button', { name: 'Log in as this user' }).click()
    await page.locator('#impersonate-form .help.is-danger').getByText('Your password is not correct.').waitFor({ state: 'visible', timeout: 10_000 })
    expect(page.url()).toBe(userUrl)
    await expect(page.getByLabel('Your password').getAttribute('aria-invalid')).resolves.toBe('true')
    await expectNoSeriousA11yViolations(page, 'user page, impersonation refused')
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Deactivate account' }).click()])
    await page.getByText('The account is deactivated').waitFor({ state: 'visible', timeout: 10_000 })
    await expect(page.getByRole('button', { name: 'Reactivate account' }).isVisible()).resolves.toBe(true)

    // The member's next request: the session is gone, the dashboard sends them to log in…
    await userPage.goto(`${baseUrl}/dashboard`)
    expect(new URL(userPage.url()).pathname).toBe('/login')
    // …and logging in again says why.
    await waitForScripts(userPage)
    await userPage.getByLabel('Email', { exact: true }).fill(userEmail)
    await userPage.getByLabel('Password', { exact: true }).fill(password)
    await userPage.getByRole('button', { name: 'Log in' }).click()
    await userPage.getByText('This account has been deactivated.').waitFor({ state: 'visible', timeout: 10_000 })
    expect(new URL(userPage.url()).pathname).toBe('/login')

    // The audit log shows the action, with the admin as actor.
    await page.goto(`${baseUrl}/admin/audit?action=admin.user.deactivated`)
    await expect(page.locator('#audit-results tbody tr').count()).resolves.toBeGreaterThanOrEqual(1)
    await expectNoSeriousA11yViolations(page, '/admin/audit')
    await expectFitsPhone(page, 'audit')
    // Filtered by the member's address: the row names them (name linked, email under it).
    await page.goto(`${baseUrl}/admin/audit?email=${encodeURIComponent(userEmail)}`)
    const deactivated = page.locator('#audit-results tbody tr', { hasText: 'admin.user.deactivated' })
    await expect(deactivated.getByRole('link', { name: 'Mia Member' }).isVisible()).resolves.toBe(true)
    await expect(deactivated.getByRole('link', { name: 'Ada Admin' }).isVisible()).resolves.toBe(true)
    // The admin's own rows carry details (the refused re-authentication's path): a wrapping list at 390 px.
    await page.goto(`${baseUrl}/admin/audit?email=${encodeURIComponent(adminEmail)}&action=auth.reauth_failed`)
    await expect(page.locator('#audit-results .audit-detail dt', { hasText: 'path' }).count()).resolves.toBe(1)
    await expectNoSeriousA11yViolations(page, '/admin/audit filtered by email')
    await expectFitsPhone(page, 'audit-by-email')

    expect(problems.cspViolations).toEqual([])
    expect(problems.pageErrors).toEqual([])
    // The refused "log in as" answers 401 by design (the form with its message).
    expect(problems.consoleErrors.filter((m) => !/status of 401\b/.test(m))).toEqual([])
    await page.close()
    await userPage.close()
  })
})
