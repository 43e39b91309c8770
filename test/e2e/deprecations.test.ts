import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchBrowser, waitForScripts, type LaunchedBrowser } from './browser'
import { markVerifiedInDatabase, signUp } from './steps'

// Lighthouse's best-practices score drops to about 80 for a single use of a deprecated browser API
// ("deprecations" audit), however harmless. The Alpine CSP build reads every global once at load to
// build its list of forbidden values; an Alpine without the skip for `sharedStorage` (Chromium's one
// deprecated global today) did exactly that on every page (ADR 0090). This is the guard for the whole
// page (htmx, Alpine, app.js): Chromium reports each use of a deprecated API as a DeprecationIssue.
const baseUrl = inject('baseUrl')
let chrome: LaunchedBrowser

beforeAll(async () => { chrome = await launchBrowser() })
afterAll(async () => { await chrome?.close() })

describe('deprecated browser APIs', () => {
  // Public pages load htmx and app.js only; a signed-in page has the app shell's components, so app.js
  // adds Alpine there (ADR 0103): both kinds of page are checked.
  it.each(['/', '/dashboard'])('%s and its scripts use none', async (path) => {
    const page = await chrome.newPage()
    if (path === '/dashboard') {
      const email = `deprecations-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`
      await signUp(page, baseUrl, { name: 'Deprecation Watcher', email, password: 'deprecations passphrase' })
      await markVerifiedInDatabase(inject('e2eDatabaseUrl'), email)
    }
    const cdp = await page.context().newCDPSession(page)
    const issues: string[] = []
    cdp.on('Audits.issueAdded', ({ issue }) => {
      if (issue.code === 'DeprecationIssue') issues.push(issue.details.deprecationIssueDetails?.type ?? 'unknown')
    })
    await cdp.send('Audits.enable')
    await page.goto(`${baseUrl}${path}`, { waitUntil: 'load' })
    await waitForScripts(page)
    expect(await page.evaluate(() => 'Alpine' in window)).toBe(path === '/dashboard')
    // A known deprecated call (synchronous XHR on the main thread) after the page's own scripts: its issue
    // arrives after any the page caused (one ordered event stream), so waiting for it replaces a sleep,
    // and it shows the watcher really sees deprecations.
    await page.evaluate(() => { const xhr = new XMLHttpRequest(); xhr.open('GET', '/health', false); xhr.send() })
    await expect.poll(() => issues.at(-1)).toBe('XMLHttpRequestSynchronousInNonWorkerOutsideBeforeUnload')
    expect(issues.slice(0, -1), `deprecated APIs used while ${path} loaded`).toEqual([])
    await page.close()
  })
})
