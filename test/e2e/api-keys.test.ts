import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchBrowser, lookAtWidths, waitForScripts, watchPage, type LaunchedBrowser } from './browser'
import { signUp, markVerifiedInDatabase } from './steps'

// The API keys page's copy buttons (public/components.js `copyable`) with a real clipboard, and their fallback
// without one; the API reference at /docs/api at 1280 and 390 px. Issue 20, item 5.
const baseUrl = inject('baseUrl')
const email = `apikeys-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.com`
const password = 'api keys passphrase one two'

let chrome: LaunchedBrowser
beforeAll(async () => {
  chrome = await launchBrowser()
  await chrome.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl })
})
afterAll(async () => { await chrome?.close() })

const clipboard = (page: import('playwright-core').Page) => page.evaluate(() => navigator.clipboard.readText())

describe('API keys: copy buttons and the API reference in Chromium', () => {
  it('copies a new key and its curl command, says "Copied", and selects the text where there is no clipboard', async () => {
    const page = await chrome.newPage()
    const problems = await watchPage(page)
    await signUp(page, baseUrl, { name: 'Key Copier', email, password })
    await markVerifiedInDatabase(inject('e2eDatabaseUrl'), email)

    await page.goto(`${baseUrl}/settings/api-keys`)
    await waitForScripts(page)
    await page.getByLabel('Name', { exact: true }).fill('Copied key')
    await page.getByRole('button', { name: 'Create key' }).click()
    const input = page.getByLabel('Your new API key')
    await input.waitFor()
    const key = await input.inputValue()
    expect(key).toMatch(/^qs_[a-z2-7]{8}_[a-z2-7]{32}$/)

    // The key: the button turns into "Copied" and the live region next to it says so.
    const keyButton = page.getByRole('button', { name: 'Copy the API key' })
    await keyButton.click()
    await page.getByRole('button', { name: 'Copied the API key' }).waitFor()
    const keyStatus = page.locator('#api-keys p[x-text="status"]').first()
    await expect.poll(() => keyStatus.textContent()).toBe('Copied to the clipboard.')
    expect(await clipboard(page)).toBe(key)

    // The curl command: this app's origin and the new key, ready to run.
    await page.getByRole('button', { name: 'Copy the curl command' }).click()
    await page.getByRole('button', { name: 'Copied the curl command' }).waitFor()
    const command = await clipboard(page)
    expect(command).toBe(`curl -H "Authorization: Bearer ${key}" \\\n  ${new URL(baseUrl).origin}/api/v1/usage`)
    await lookAtWidths(page, 'api-keys-copied', { noOverflow: true })

    // Without the Clipboard API (plain http, an old browser): the text is selected for Ctrl+C instead.
    const bare = await chrome.newPage()
    await bare.addInitScript(() => { Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined }) })
    await bare.goto(`${baseUrl}/settings/api-keys`)
    await waitForScripts(bare)
    await bare.getByRole('button', { name: 'Copy the curl command' }).click()
    await expect.poll(() => bare.locator('#api-keys p[x-text="status"]').first().textContent()).toContain('the text is selected')
    const selected = await bare.evaluate(() => window.getSelection()?.toString() ?? '')
    expect(selected.trim()).toBe(`curl -H "Authorization: Bearer $API_KEY" \\\n  ${new URL(baseUrl).origin}/api/v1/usage`)
    await bare.close()

    expect(problems.cspViolations).toEqual([])
    expect(problems.pageErrors).toEqual([])
    await page.close()
  })

  it('/docs/api is readable and accessible at 1280 and 390 px, with no script of its own', async () => {
    const page = await chrome.newPage()
    const problems = await watchPage(page)
    await page.goto(`${baseUrl}/docs/api`)
    await waitForScripts(page)
    await page.getByRole('heading', { level: 1, name: /API reference/ }).waitFor()
    expect(await page.locator('section.box h3').count()).toBeGreaterThanOrEqual(5)
    await lookAtWidths(page, 'api-reference', { noOverflow: true })
    // The footer leads here from every page.
    await page.goto(baseUrl)
    await page.locator('footer').getByRole('link', { name: 'API reference' }).click()
    await page.waitForURL(/\/docs\/api$/)
    expect(problems.cspViolations).toEqual([])
    expect(problems.pageErrors).toEqual([])
    await page.close()
  })
})
