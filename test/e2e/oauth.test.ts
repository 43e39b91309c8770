import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchBrowser, lookAtWidths, watchPage, waitForScripts, type LaunchedBrowser } from './browser'
import type { Page } from 'playwright-core'

// Sign-up with GitHub through the local OAuth stand-in's consent page (issue 22, docs/oauth-standin.md):
// the app's form posts, the redirect to the provider passes the page's form-action, the stand-in's
// "verified address" answer comes back to the callback, and the new account lands signed in. Both screens
// are axe-clean at 1280 and 390 px and in the dark theme, without horizontal scrolling.
const baseUrl = inject('baseUrl')
const standinUrl = inject('oauthStandinUrl')

let browser: LaunchedBrowser
beforeAll(async () => { browser = await launchBrowser() })
afterAll(async () => { await browser?.close() })

/** The vertical gaps between the buttons under the log-in form, top to bottom. */
async function optionGaps(page: Page): Promise<number[]> {
  const boxes = await page.locator('.sign-in-options .button').evaluateAll((buttons) => buttons.map((b) => b.getBoundingClientRect()).map((r) => ({ top: r.top, bottom: r.bottom })))
  return boxes.slice(1).map((box, i) => Math.round(box.top - boxes[i]!.bottom))
}

describe('the log-in page’s other ways in', () => {
  it('passkey, GitHub and Google buttons are evenly spaced at 1280 and 390 px', async () => {
    const page = await browser.newPage()
    // localhost: passkeys are offered only at a host name (ADR 0101).
    await page.goto(`${baseUrl.replace('://127.0.0.1:', '://localhost:')}/login`)
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 })
      const gaps = await optionGaps(page)
      expect(gaps, `${width} px`).toHaveLength(2)
      expect(new Set(gaps).size, `${width} px: ${gaps.join(', ')}`).toBe(1)
    }
    await lookAtWidths(page, 'oauth-login', { noOverflow: true })
  })
})

describe('sign-up with GitHub in Chromium', () => {
  it('Continue with GitHub → the stand-in’s consent page → a verified account on the dashboard', async () => {
    const page = await browser.newPage()
    const problems = await watchPage(page)
    const email = `oauth-${Date.now()}@example.com`

    await page.goto(`${baseUrl}/signup`)
    await waitForScripts(page)
    await lookAtWidths(page, 'oauth-signup', { noOverflow: true })
    await Promise.all([page.waitForURL(`${standinUrl}/github/login/oauth/authorize?*`), page.getByRole('button', { name: 'Continue with GitHub' }).click()])

    await page.getByLabel(/Verified address/).check()
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Name').fill('Octo Tester')
    await Promise.all([page.waitForURL(`${baseUrl}/dashboard`), page.getByRole('button', { name: 'Authorize' }).click()])

    // Signed in, verified (no "verify your email" banner), and settings list the link.
    await expect(page.getByText('Please verify your email address').count()).resolves.toBe(0)
    await page.goto(`${baseUrl}/settings`)
    await expect(page.locator('section.box', { has: page.locator('#linked-accounts-title') }).textContent()).resolves.toContain(email)
    await expect(page.getByRole('button', { name: 'Unlink GitHub' }).count()).resolves.toBe(1)
    await expect(page.getByRole('button', { name: 'Email me a link to set a password' }).count()).resolves.toBe(1)
    await lookAtWidths(page, 'oauth-settings', { noOverflow: true })
    expect(problems.cspViolations).toEqual([])
    expect(problems.pageErrors).toEqual([])
  })
})
