import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import pg from 'pg'
import type { Page } from 'playwright-core'
import { TAGLINE } from '../../src/site.config'
import { APP_NAME, launchBrowser, takeScreenshot, waitForScripts, watchPage, type LaunchedBrowser } from './browser'

const baseUrl = inject('baseUrl')
let chrome: LaunchedBrowser

beforeAll(async () => { chrome = await launchBrowser() })
afterAll(async () => { await chrome?.close() })

async function open(path: string): Promise<{ page: Page; problems: Awaited<ReturnType<typeof watchPage>>; status: number }> {
  const page = await chrome.newPage()
  const problems = await watchPage(page)
  const res = await page.goto(`${baseUrl}${path}`, { waitUntil: 'load' })
  // htmx and app.js load deferred (Alpine only where a page has a component); wait until they have run.
  await waitForScripts(page)
  return { page, problems, status: res?.status() ?? 0 }
}

// axe on every public page, at both widths, is the page tour's (page-tour.test.ts); these are behaviours.
describe('public pages in Chromium', () => {
  it('home page loads with no console errors and no CSP violations', async () => {
    const { page, problems, status } = await open('/')
    expect(status).toBe(200)
    await expect(page.title()).resolves.toMatch(new RegExp(` · ${APP_NAME}$`))
    expect(await page.locator('h1').first().textContent()).toContain(TAGLINE)
    // The stylesheet really applied (served from public/vendor, allowed by the CSP).
    const navbarDisplay = await page.locator('nav.navbar').evaluate((el) => getComputedStyle(el).display)
    expect(navbarDisplay).not.toBe('inline')
    // The hero picture (the LCP element) comes as WebP from its <picture> and decodes.
    const hero = await page.locator('.landing-shot img').evaluate((img: HTMLImageElement) => img.decode().then(() => img.currentSrc))
    expect(hero).toMatch(/\/images\/product-dashboard-(640|1280)\.webp$/)
    await takeScreenshot(page, 'home', { fullPage: true })
    expect(problems.cspViolations).toEqual([])
    expect(problems.consoleErrors).toEqual([])
    expect(problems.pageErrors).toEqual([])
    await page.close()
  })

  it('contact form: inline error via htmx, then success, without a page reload; the row is in Postgres', async () => {
    const { page, problems } = await open('/contact')
    const email = `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`
    // A marker on window survives htmx swaps but not a full page load.
    await page.evaluate(() => { (window as unknown as { __noReload: boolean }).__noReload = true })

    await page.getByLabel('Your name').fill('Browser Tester')
    await page.getByLabel('Email').fill('not-an-email')
    await page.getByLabel('Subject').fill('From Chromium')
    await page.getByLabel('Message').fill('This message was sent by the browser test through htmx.')
    const invalidResponse = page.waitForResponse((r) => r.url().endsWith('/contact') && r.request().method() === 'POST')
    await page.getByRole('button', { name: 'Send message' }).click()
    const invalid = await invalidResponse
    expect(invalid.status()).toBe(422)
    expect(invalid.request().headers()['hx-request']).toBe('true')
    await expect(page.locator('#field-email-error').textContent()).resolves.toBe('Please enter a valid email address.')
    await expect(page.locator('#field-email').getAttribute('aria-invalid')).resolves.toBe('true')
    // app.js moves focus to the first invalid field after the swap.
    await page.waitForFunction(() => document.activeElement?.id === 'field-email')
    // The other values were kept.
    await expect(page.getByLabel('Your name').inputValue()).resolves.toBe('Browser Tester')
    await takeScreenshot(page, 'contact-invalid', { fullPage: true })

    await page.getByLabel('Email').fill(email)
    const validResponse = page.waitForResponse((r) => r.url().endsWith('/contact') && r.request().method() === 'POST')
    await page.getByRole('button', { name: 'Send message' }).click()
    expect((await validResponse).status()).toBe(200)
    await page.getByText('your message has been sent').waitFor()
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true)
    expect(await page.locator('#field-email-error').count()).toBe(0)
    await takeScreenshot(page, 'contact-sent', { fullPage: true })

    const client = new pg.Client({ connectionString: inject('e2eDatabaseUrl') })
    await client.connect()
    try {
      const { rows } = await client.query('select name, subject, message from contact_messages where email = $1', [email])
      expect(rows).toEqual([{ name: 'Browser Tester', subject: 'From Chromium', message: 'This message was sent by the browser test through htmx.' }])
    } finally {
      await client.end()
    }
    expect(problems.cspViolations).toEqual([])
    expect(problems.pageErrors).toEqual([])
    // The only console error allowed is Chromium's note about the 422 response itself.
    expect(problems.consoleErrors.filter((m) => !/status of 422/.test(m))).toEqual([])
    await page.close()
  })

  it('contact form without JavaScript: full-page 422, then POST → redirect → flash', async () => {
    const noJs = await launchBrowser({ javaScriptEnabled: false })
    try {
      const page = await noJs.newPage()
      await page.goto(`${baseUrl}/contact`)
      const email = `nojs-${Date.now()}@example.com`
      await page.getByLabel('Your name').fill('No Script')
      await page.getByLabel('Email').fill(email)
      await page.getByLabel('Subject').fill('Plain HTML form')
      await page.getByLabel('Message').fill('short')
      const [invalid] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send message' }).click()])
      expect(invalid?.status()).toBe(422)
      await expect(page.locator('#field-message-error').textContent()).resolves.toBe('Your message must be at least 10 characters.')
      await page.getByLabel('Message').fill('Sent by a browser with JavaScript turned off.')
      const [sent] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send message' }).click()])
      expect(sent?.status()).toBe(200)
      expect(new URL(page.url()).pathname).toBe('/contact')
      await expect(page.locator('#flash-region').textContent()).resolves.toContain('your message has been sent')
      await takeScreenshot(page, 'contact-no-js-sent')
      const client = new pg.Client({ connectionString: inject('e2eDatabaseUrl') })
      await client.connect()
      try {
        expect((await client.query('select 1 from contact_messages where email = $1', [email])).rowCount).toBe(1)
      } finally {
        await client.end()
      }
    } finally {
      await noJs.close()
    }
  })

  it.each(['/app.js', '/vendor/site.css', '/vendor/icons.svg', '/vendor/fonts/inter-latin-wght-normal.woff2', '/vendor/htmx.min.js', '/vendor/alpine-csp.min.js', '/favicon.svg'])(
    'static asset %s carries the security headers (public/_headers)',
    async (asset) => {
      const res = await fetch(`${baseUrl}${asset}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('referrer-policy')).toBe('strict-origin')
      expect(res.headers.get('content-security-policy')).toContain("object-src 'none'")
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    },
  )

  it('theme switch: dark is applied at once, remembered by the server on the next load, and system forgets it', async () => {
    const { page, problems } = await open('/about')
    const footerSwitch = page.locator('footer .theme-switch')
    await footerSwitch.waitFor({ state: 'visible' })
    await footerSwitch.getByRole('button', { name: 'Dark theme' }).click()
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    await expect(footerSwitch.getByRole('button', { name: 'Dark theme' }).getAttribute('aria-pressed')).resolves.toBe('true')
    // The next page comes from the server already dark (the cookie): no flash of the light theme.
    const html = await (await page.request.get(`${baseUrl}/contact`)).text()
    expect(html).toContain('<html lang="en" data-theme="dark">')
    await page.reload({ waitUntil: 'load' })
    expect(await page.evaluate(() => document.documentElement.getAttribute('data-theme'))).toBe('dark')
    await waitForScripts(page)
    await page.locator('footer .theme-switch').getByRole('button', { name: 'Use the system theme' }).click()
    expect(await page.evaluate(() => document.documentElement.getAttribute('data-theme'))).toBeNull()
    expect((await page.context().cookies()).find((c) => c.name === 'theme')).toBeUndefined()
    expect(problems.cspViolations).toEqual([])
    expect(problems.pageErrors).toEqual([])
    await page.close()
  })

  it('the next page view asks the server for none of the versioned scripts and stylesheets again (ADR 0105)', async () => {
    const page = await chrome.newPage()
    const versioned = (url: string) => new URL(url).searchParams.has('v')
    const first: { path: string; cacheControl: string }[] = []
    page.on('response', (r) => { if (versioned(r.url())) first.push({ path: new URL(r.url()).pathname, cacheControl: r.headers()['cache-control'] ?? '' }) })
    await page.goto(`${baseUrl}/`, { waitUntil: 'load' })
    await waitForScripts(page)
    expect(first.map((r) => r.path)).toEqual(expect.arrayContaining(['/vendor/site.css', '/vendor/htmx.min.js', '/app.js', '/vendor/icons.svg']))
    for (const r of first) expect(r.cacheControl, r.path).toContain('immutable')
    // The icons come from the sprite by its versioned URL (`…/icons.svg?v=…#name`): drawn, not empty.
    await expect.poll(() => page.locator('svg use').first().evaluate((use: SVGUseElement) => { const box = use.getBBox(); return box.width * box.height })).toBeGreaterThan(0)
    page.removeAllListeners('response')
    // Before ADR 0105 each of these came back `304 Not Modified`: a round trip per file on every view.
    const revalidated: string[] = []
    page.on('response', (r) => { if (versioned(r.url()) && r.status() === 304) revalidated.push(r.url()) })
    await page.goto(`${baseUrl}/about`, { waitUntil: 'load' })
    await waitForScripts(page)
    expect(revalidated).toEqual([])
    await page.close()
  })

  it('the _headers file itself is not served', async () => {
    expect((await fetch(`${baseUrl}/_headers`)).status).toBe(404)
  })

  it('mobile navbar: the burger opens and closes the menu (plain script, no Alpine on the page)', async () => {
    const mobile = await launchBrowser({ viewport: { width: 375, height: 740 } })
    try {
      const page = await mobile.newPage()
      const problems = await watchPage(page)
      await page.goto(`${baseUrl}/`)
      await waitForScripts(page)
      const burger = page.getByRole('button', { name: 'Menu' })
      const menu = page.locator('#main-menu')
      await expect(burger.isVisible()).resolves.toBe(true)
      await expect(menu.isVisible()).resolves.toBe(false)
      await expect(burger.getAttribute('aria-expanded')).resolves.toBe('false')

      await burger.click()
      await page.waitForFunction(() => document.getElementById('main-menu')?.classList.contains('is-active'))
      await expect(burger.getAttribute('aria-expanded')).resolves.toBe('true')
      await expect(menu.isVisible()).resolves.toBe(true)
      await expect(page.getByRole('link', { name: 'Contact' }).first().isVisible()).resolves.toBe(true)
      await takeScreenshot(page, 'mobile-menu-open')

      await burger.click()
      await page.waitForFunction(() => !document.getElementById('main-menu')?.classList.contains('is-active'))
      await expect(burger.getAttribute('aria-expanded')).resolves.toBe('false')
      // The home page has no Alpine component, so app.js never fetched Alpine (ADR 0103).
      expect(await page.evaluate(() => 'Alpine' in window)).toBe(false)
      expect(problems.cspViolations).toEqual([])
      expect(problems.consoleErrors).toEqual([])
      expect(problems.pageErrors).toEqual([])
    } finally {
      await mobile.close()
    }
  })
})
