import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Page } from 'playwright-core'
import { expectNoSeriousA11yViolations, launchBrowser, takeScreenshot, watchPage, type LaunchedBrowser, waitForOutboxMail, waitForScripts } from './browser'
import { logIn as logInStep, signUp } from './steps'

const baseUrl = inject('baseUrl')
const email = `journey-${Date.now()}@example.com`
const firstPassword = 'journey passphrase one'
const secondPassword = 'journey passphrase two'

let main: LaunchedBrowser
let other: LaunchedBrowser

beforeAll(async () => {
  main = await launchBrowser()
  other = await launchBrowser()
})
afterAll(async () => {
  await main?.close()
  await other?.close()
})



const logIn = (page: Page, password: string) => logInStep(page, baseUrl, { email, password })

describe('account journey in Chromium', () => {
  it('sign up → verify by mail link → log out → log in → change password → the other session is gone', async () => {
    const page = await main.newPage()
    const problems = await watchPage(page)

    // Sign up.
    await signUp(page, baseUrl, { name: 'Journey Tester', email, password: firstPassword })
    await expect(page.locator('h1').textContent()).resolves.toContain('Verify your email')
    // The breach check went to the local fake HIBP (HIBP_API_BASE), not to the internet.
    expect(Number(await (await fetch(`${inject('hibpBaseUrl')}/__calls`)).text())).toBeGreaterThan(0)

    // The mail in the local outbox carries the link and the code.
    const mail = await waitForOutboxMail(baseUrl, email, 'verify-email')
    const link = /https?:\/\/[^\s"<>]+\/verify-email\?token=[a-z2-7]{32}/.exec(mail.text)?.[0]
    expect(link).toBeDefined()
    expect(mail.text).toMatch(/\b\d{8}\b/)

    // Open the link → confirm → verified.
    await page.goto(link!)
    await waitForScripts(page)
    await Promise.all([page.waitForURL(`${baseUrl}/dashboard`), page.getByRole('button', { name: 'Confirm my email address' }).click()])
    await page.getByText('Email verified', { exact: true }).waitFor({ state: 'visible', timeout: 10_000 })
    await takeScreenshot(page, 'auth-dashboard', { fullPage: true })

    // Log out, then log in again.
    await page.locator('.account-menu-trigger').click()
    await Promise.all([page.waitForURL(`${baseUrl}/`), page.getByRole('button', { name: 'Log out' }).click()])
    await page.getByRole('link', { name: 'Log in' }).waitFor({ state: 'visible', timeout: 10_000 })
    await logIn(page, firstPassword)

    // A second browser signs in as the same user.
    const otherPage = await other.newPage()
    await logIn(otherPage, firstPassword)
    await expect(otherPage.locator('h1').textContent()).resolves.toContain('Welcome, Journey Tester')

    // Change the password in the first browser.
    await page.goto(`${baseUrl}/settings`)
    await waitForScripts(page)
    await expectNoSeriousA11yViolations(page, '/settings')
    const form = page.locator('#password-form')
    await form.getByLabel('Current password').fill(firstPassword)
    await form.getByLabel('New password').fill(secondPassword)
    await Promise.all([page.waitForURL(`${baseUrl}/settings`), form.getByRole('button', { name: 'Change password' }).click()])
    await page.getByText('Your password has been changed').waitFor({ state: 'visible', timeout: 10_000 })

    // The other browser's session is gone: the dashboard sends it to the login page.
    await otherPage.goto(`${baseUrl}/dashboard`)
    expect(new URL(otherPage.url()).pathname).toBe('/login')
    // And the new password works there.
    await logIn(otherPage, secondPassword)

    expect(problems.cspViolations).toEqual([])
    expect(problems.pageErrors).toEqual([])
    await page.close()
    await otherPage.close()
  })
})
