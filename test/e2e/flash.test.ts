import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchBrowser, waitForScripts, watchPage, type LaunchedBrowser } from './browser'

// Issue 9, "Also": a notice carried over from the previous page ("You have been logged out.") stayed on
// screen above the error of the next failing htmx form. A flash is shown once; an htmx answer replaces it.
const baseUrl = inject('baseUrl')
let chrome: LaunchedBrowser

beforeAll(async () => { chrome = await launchBrowser() })
afterAll(async () => { await chrome?.close() })

describe('flash messages in Chromium', () => {
  it('an htmx form answer clears the flash of the previous page', async () => {
    const page = await chrome.newPage()
    const problems = await watchPage(page)
    // A real logout sets the one-shot flash cookie in this browser profile (redirect not followed, so the
    // next page is the one that shows it).
    const logout = await page.request.post(`${baseUrl}/logout`, { headers: { origin: baseUrl }, maxRedirects: 0 })
    expect(logout.status()).toBe(303)
    await page.goto(`${baseUrl}/login`, { waitUntil: 'load' })
    await waitForScripts(page)
    const flash = page.locator('#flash-region')
    await expect(flash.textContent()).resolves.toContain('You have been logged out.')

    const answer = page.waitForResponse((r) => r.url().endsWith('/login') && r.request().method() === 'POST')
    await page.getByRole('button', { name: 'Log in' }).click()
    expect((await answer).status()).toBe(422)
    await page.locator('#login-form .notification').waitFor()
    expect(await page.locator('#login-form').textContent()).toContain('Enter your email and password.')
    expect((await flash.textContent())?.trim()).toBe('')
    expect(await page.getByText('You have been logged out.').count()).toBe(0)
    expect(problems.cspViolations).toEqual([])
    expect(problems.pageErrors).toEqual([])
    await page.close()
  })
})
