import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { launchBrowser, waitForScripts, type LaunchedBrowser } from './browser'

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
  // The home page loads htmx and app.js only; /pricing has a component, so app.js adds Alpine (ADR 0103).
  it.each(['/', '/pricing'])('%s and its scripts use none', async (path) => {
    const page = await chrome.newPage()
    const cdp = await page.context().newCDPSession(page)
    const issues: string[] = []
    cdp.on('Audits.issueAdded', ({ issue }) => {
      if (issue.code === 'DeprecationIssue') issues.push(issue.details.deprecationIssueDetails?.type ?? 'unknown')
    })
    await cdp.send('Audits.enable')
    await page.goto(`${baseUrl}${path}`, { waitUntil: 'load' })
    await waitForScripts(page)
    if (path === '/pricing') expect(await page.evaluate(() => 'Alpine' in window)).toBe(true)
    // A known deprecated call (synchronous XHR on the main thread) after the page's own scripts: its issue
    // arrives after any the page caused (one ordered event stream), so waiting for it replaces a sleep,
    // and it shows the watcher really sees deprecations.
    await page.evaluate(() => { const xhr = new XMLHttpRequest(); xhr.open('GET', '/health', false); xhr.send() })
    await expect.poll(() => issues.at(-1)).toBe('XMLHttpRequestSynchronousInNonWorkerOutsideBeforeUnload')
    expect(issues.slice(0, -1), `deprecated APIs used while ${path} loaded`).toEqual([])
    await page.close()
  })
})
