import { decodeBase32IgnorePadding } from '@oslojs/encoding'
import { generateHOTP } from '@oslojs/otp'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchBrowser, lookAtWidths, waitForScripts, watchPage, type LaunchedBrowser } from './browser'
import { markVerifiedInDatabase, signUp } from './steps'

// Two-factor codes in Chromium (issue 22): turned on from settings with the key typed by hand (read from
// the page's manual-entry text, as a person without a camera would), then log out and in with password and
// code. The code is computed like an authenticator app does (RFC 6238 through @oslojs/otp).
const baseUrl = inject('baseUrl')
const email = `two-factor-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.com`
const password = 'two factor passphrase one two'

// The code of the step `offset` away from now, as the app on a phone would show it.
const codeFor = (key: Uint8Array, offset = 0) => generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000) + offset), 6)

let chrome: LaunchedBrowser
beforeAll(async () => { chrome = await launchBrowser() })
afterAll(async () => { await chrome?.close() })

describe('two-factor codes in Chromium', () => {
  it('enrols from settings with a typed code, gets ten recovery codes, then logs in with password and code', async () => {
    const page = await chrome.newPage()
    const problems = await watchPage(page)
    await signUp(page, baseUrl, { name: 'Two Factor', email, password })
    await markVerifiedInDatabase(inject('e2eDatabaseUrl'), email)

    await page.goto(`${baseUrl}/settings`)
    await waitForScripts(page)
    const start = page.locator('#two-factor-start')
    await start.getByLabel('Current password').fill(password)
    await Promise.all([page.waitForURL(`${baseUrl}/settings/two-factor/setup`), start.getByRole('button', { name: 'Turn on two-factor' }).click()])
    await page.getByRole('img', { name: /QR code/ }).waitFor()
    await lookAtWidths(page, 'two-factor-setup', { noOverflow: true })
    const key = decodeBase32IgnorePadding((await page.locator('#totp-manual-key').textContent())!.replaceAll(' ', ''))
    expect(key).toHaveLength(20)

    await page.getByLabel('Code from the app').fill(codeFor(key))
    await page.getByRole('button', { name: 'Turn on', exact: true }).click()
    await page.getByRole('heading', { name: 'Two-factor is on' }).waitFor()
    await expect.poll(() => page.locator('#recovery-codes li').count()).toBe(10)
    await lookAtWidths(page, 'two-factor-recovery-codes', { noOverflow: true })
    await page.getByRole('link', { name: 'I have saved them' }).click()
    await page.locator('#recovery-codes-left').waitFor()
    await page.locator('.two-factor-action summary', { hasText: 'Turn off two-factor' }).click()
    await page.locator('#two-factor-disable').waitFor()
    await lookAtWidths(page, 'two-factor-settings', { noOverflow: true })

    await page.locator('.account-menu-trigger').click()
    await Promise.all([page.waitForURL(`${baseUrl}/`), page.getByRole('button', { name: 'Log out' }).click()])
    await page.goto(`${baseUrl}/login`)
    await waitForScripts(page)
    await page.getByLabel('Email', { exact: true }).fill(email)
    await page.getByLabel('Password', { exact: true }).fill(password)
    await Promise.all([page.waitForURL(`${baseUrl}/login/two-factor`), page.getByRole('button', { name: 'Log in' }).click()])
    // The next step's code: the enrolment's own code was spent (a replay is refused) and ±1 step is accepted.
    await page.getByLabel('Authentication code').fill(codeFor(key, 1))
    await Promise.all([page.waitForURL(`${baseUrl}/dashboard`), page.getByRole('button', { name: 'Verify' }).click()])
    expect(problems).toEqual({ consoleErrors: [], cspViolations: [], pageErrors: [] })
  })
})
