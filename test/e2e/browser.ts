// Shared helpers for browser tests: Debian's Chromium driven by playwright-core (no browser download),
// a watcher for console errors / CSP violations, and an axe-core accessibility check.
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { chromium, type Browser, type BrowserContext, type Page, type PageScreenshotOptions } from 'playwright-core'
import { parse } from 'smol-toml'
import { expect } from 'vitest'

/** The app's name as wrangler.toml's [vars] give it (`quickscale init` sets each project's own). */
export const APP_NAME = String((parse(fs.readFileSync('wrangler.toml', 'utf8')) as { vars: { APP_NAME: string } }).vars.APP_NAME)

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

// Without these flags the closed network here refuses Chromium's background connections (updates,
// sync, QUIC probes) and it stalls; --no-sandbox because CI runs as root. `--max-opt=1`: V8 stops at its
// baseline compiler. A test's page lives for seconds, too short to repay Maglev's and TurboFan's compiles
// of axe's hot functions (a look cost 8 % less CPU in probes of 30 looks; issue 21: test time); the
// language is the same at every tier.
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--js-flags=--max-opt=1',
]

export interface LaunchedBrowser {
  /** The Chromium this process shares between its launches (each launch is a context of its own). */
  browser: Browser
  /** One profile (cookies, storage) shared by every page of this launch, and by no other launch. */
  context: BrowserContext
  newPage: () => Promise<Page>
  close: () => Promise<void>
}

// One Chromium per test worker process, started on first use, and a fresh browser context per launch:
// contexts are as separate as profiles (cookies, storage, cache), and starting Chromium costs about 0.85 s
// of CPU, which 21 launches a run paid (issue 21: test time). A Chromium that went away is started again.
let chromiumProcess: Promise<Browser> | undefined
function sharedChromium(): Promise<Browser> {
  chromiumProcess ??= chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 })
    .then((browser) => {
      browser.on('disconnected', () => { chromiumProcess = undefined })
      return browser
    }, (err: unknown) => {
      chromiumProcess = undefined
      throw err
    })
  return chromiumProcess
}

/** A new browser context (no cookies or storage from any other launch) in this process's Chromium. */
export async function launchBrowser(options: { viewport?: { width: number; height: number }; javaScriptEnabled?: boolean } = {}): Promise<LaunchedBrowser> {
  const browser = await sharedChromium()
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  })
  context.on('page', retryStalledNavigation)
  return {
    browser,
    context,
    newPage: async () => retryStalledNavigation(await context.newPage()),
    close: async () => { await context.close().catch(() => undefined) },
  }
}

const STALL_MS = 20_000
const retrying = new WeakSet<Page>()

/**
 * `wrangler dev`'s local asset server now and then leaves one static-asset request unanswered until the
 * client goes away (CI logs: `GET /vendor/alpine-csp.min.js 304 (32023ms)`, 3 of ~2,000 asset requests,
 * each ending when the timed-out test closed its browser). Production assets are served by Cloudflare,
 * not by that server. So a `goto` that has not reached `load` after 20 s is started once more, with a
 * warning in the output; a page that is really broken fails the second attempt as before.
 */
function retryStalledNavigation(page: Page): Page {
  if (retrying.has(page)) return page
  retrying.add(page)
  const goto = page.goto.bind(page)
  page.goto = async (url, options = {}) => {
    try {
      return await goto(url, { ...options, timeout: options.timeout ?? STALL_MS })
    } catch (err) {
      if (options.timeout !== undefined || !(err instanceof Error) || err.name !== 'TimeoutError') throw err
      console.warn(`browser: ${url} did not load within ${STALL_MS} ms; loading it once more (wrangler dev asset stall)`)
      return goto(url, options)
    }
  }
  return page
}

export interface PageProblems {
  consoleErrors: string[]
  cspViolations: string[]
  pageErrors: string[]
}

/**
 * Records console errors, uncaught exceptions and CSP violations. The violation listener is
 * installed through the DevTools protocol (addInitScript), which the page's CSP does not govern.
 */
export async function watchPage(page: Page): Promise<PageProblems> {
  const problems: PageProblems = { consoleErrors: [], cspViolations: [], pageErrors: [] }
  await page.exposeFunction('__qsReportCsp', (v: string) => { problems.cspViolations.push(v) })
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      // @ts-expect-error exposed by watchPage
      window.__qsReportCsp(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber}:${e.columnNumber}) on ${(e.target as Element)?.outerHTML?.slice(0, 80) ?? '?'}`)
    })
  })
  page.on('console', (msg) => { if (msg.type() === 'error') problems.consoleErrors.push(msg.text()) })
  page.on('pageerror', (err) => { problems.pageErrors.push(err.message) })
  return problems
}

const require = createRequire(import.meta.url)
let axeSource: string | undefined

interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }

/**
 * Runs axe-core in the page and fails on any serious or critical violation (WCAG 2.x A/AA and
 * best practices). The source is evaluated through the DevTools protocol rather than a <script>
 * tag: an inline tag would be (rightly) refused by our CSP.
 */
// The axe rules whose result depends on colours, the only thing a theme changes (the DOM, names, roles
// and layout are the same in both): the dark-theme pass runs these alone (issue 21: test time).
const THEME_DEPENDENT_AXE_RULES = ['color-contrast', 'link-in-text-block'] as const

export async function expectNoSeriousA11yViolations(page: Page, label = page.url(), options: { rules?: readonly string[] } = {}): Promise<AxeViolation[]> {
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
  // axe is 550 KB of script: evaluated once per document, not once per check (a page is checked at
  // each width and theme).
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource)
  const violations = await page.evaluate(async (rules) => {
    // Colours are checked as they end, not halfway through a transition (a button just pressed fades its
    // background: contrast measured mid-fade failed /pricing once, 2026-12-05). Finished, not awaited, as in
    // settleTransitions: an infinite animation (a spinner) never ends, and awaiting it hung a test.
    for (const animation of document.getAnimations()) if (animation instanceof CSSTransition) animation.finish()
    const only = rules ? { runOnly: { type: 'rule', values: rules } } : {}
    // @ts-expect-error injected above
    const result = await window.axe.run(document, { resultTypes: ['violations'], ...only })
    return result.violations.map((v: AxeViolation) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }))
  }, options.rules ? [...options.rules] : null) as AxeViolation[]
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(serious.map((v) => `${v.impact} ${v.id}: ${v.help} — ${JSON.stringify(v.nodes.map((n) => n.target))}`), `axe on ${label}`).toEqual([])
  return violations
}

/** The widths every page is checked at: a desktop and a phone (390 px). */
export const PAGE_WIDTHS = [{ width: 1280, height: 900 }, { width: 390, height: 844 }] as const

/**
 * The page as it is now, at each width: a screenshot (`test-results/<name>-<width>.jpg`) and axe; with
 * `noOverflow`, also nothing wider than the screen. Then the dark theme at the phone width, where the page
 * already is. Leaves the page at desktop width.
 */
export async function lookAtWidths(page: Page, name: string, options: { noOverflow?: boolean } = {}): Promise<void> {
  for (const size of PAGE_WIDTHS) {
    await page.setViewportSize(size)
    await takeScreenshot(page, `${name}-${size.width}`, { fullPage: true })
    await expectNoSeriousA11yViolations(page, `${name} at ${size.width}px`)
    if (options.noOverflow) expect(await page.evaluate(() => document.documentElement.scrollWidth), `${name} at ${size.width}px`).toBeLessThanOrEqual(size.width)
  }
  await lookInDarkTheme(page, name)
  await page.setViewportSize(PAGE_WIDTHS[0])
}

/**
 * The page in the dark theme too (issue 20: axe clean in both themes), switched the way the theme switch
 * does it (`<html data-theme>`), then switched back. Contrast does not depend on the width, so one width,
 * whichever the page is at (`lookAtWidths` ends at 390 px: a phone's page has a third of the desktop's
 * pixels to capture, 0.16 CPU-s less a look; issue 21: test time); and only the colour rules run, since
 * nothing else differs between the themes (the light pass ran all).
 */
export async function lookInDarkTheme(page: Page, name: string): Promise<void> {
  const before = await page.evaluate(() => document.documentElement.dataset.theme ?? null)
  await page.evaluate(() => { document.documentElement.dataset.theme = 'dark' })
  await settleTransitions(page)
  await takeScreenshot(page, `${name}-dark-${page.viewportSize()?.width ?? 'page'}`, { fullPage: true })
  await expectNoSeriousA11yViolations(page, `${name} in the dark theme`, { rules: THEME_DEPENDENT_AXE_RULES })
  await page.evaluate((theme) => {
    if (theme === null) delete document.documentElement.dataset.theme
    else document.documentElement.dataset.theme = theme
  }, before)
  await settleTransitions(page)
}

/**
 * Ends the CSS transitions a change started (Bulma eases link and button colours) at their end state: axe
 * measures colours as they are at that instant, and a link half-way from its light to its dark colour
 * fails a contrast check that both ends pass. Finished rather than awaited: a transition inside a subtree
 * the browser skips (content-visibility: auto, /docs/api) does not advance until it is scrolled into view.
 */
export async function settleTransitions(page: Page): Promise<void> {
  await page.evaluate(() => { for (const a of document.getAnimations()) if (a instanceof CSSTransition) a.finish() })
}

/**
 * A screenshot for a human to look at, `test-results/<name>.jpg`. JPEG at quality 80 rather than PNG: the
 * encoding is a third of a full-page capture's Chromium CPU, and about 180 are taken a run (issue 21: test
 * time; measured 0.23 → 0.16 CPU-s a capture). Nothing compares them pixel by pixel.
 */
export async function takeScreenshot(page: Page, name: string, options: Pick<PageScreenshotOptions, 'fullPage' | 'clip'> = {}): Promise<void> {
  await page.screenshot({ ...options, path: screenshotPath(name), type: 'jpeg', quality: 80 })
}

function screenshotPath(name: string): string {
  fs.mkdirSync('test-results', { recursive: true })
  return path.join('test-results', `${name}.jpg`)
}

/**
 * Resolves once htmx and public/app.js have run, and Alpine has started on a page with components (app.js
 * loads it only there: ADR 0103), so clicks go through them rather than a plain form post.
 */
export async function waitForScripts(page: Page): Promise<void> {
  await page.waitForFunction(() => 'htmx' in window && (window as { appScriptsReady?: boolean }).appScriptsReady === true)
}

/**
 * The newest mail of `template` to `to` in the development outbox (`GET /dev/mail.json`), waiting for the
 * real queue consumer of the `wrangler dev` under test to render and store it.
 */
export async function waitForOutboxMail(baseUrl: string, to: string, template: string, timeoutMs = 20_000): Promise<{ text: string; html: string }> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const res = await fetch(`${baseUrl}/dev/mail.json?to=${encodeURIComponent(to)}`)
    if (res.ok) {
      const mail = ((await res.json()) as { template: string; text: string; html: string }[]).find((m) => m.template === template)
      if (mail) return mail
    }
    await new Promise((r) => setTimeout(r, 300))
  }
  throw new Error(`no ${template} mail for ${to} within ${timeoutMs} ms`)
}
