import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import pg from 'pg'
import { PAGE_WIDTHS, launchBrowser, lookAtWidths, takeScreenshot, watchPage, type LaunchedBrowser, type PageProblems, waitForOutboxMail, waitForScripts } from './browser'

// Every page, as a visitor, an unverified and a verified user, plus the error states, at a desktop and a
// phone width: axe finds no serious violation, nothing is logged as an error, no CSP violation, and a
// screenshot of each lands in test-results/tour-*.jpg for a human to look at.
const baseUrl = inject('baseUrl')
const stamp = `${Date.now()}-${Math.random().toString(36).slice(2, 6)}`
const email = `tour-${stamp}@example.com`
const password = 'tour passphrase one two'

let chrome: LaunchedBrowser
beforeAll(async () => { chrome = await launchBrowser() })
afterAll(async () => { await chrome?.close() })



/** The current state of the page, at both widths: screenshot + axe. */
const look = (page: Page, name: string) => lookAtWidths(page, `tour-${name}`)

async function visit(page: Page, path: string, name: string, status = 200) {
  const res = await page.goto(`${baseUrl}${path}`, { waitUntil: 'load' })
  expect(res?.status(), path).toBe(status)
  await waitForScripts(page)
  await look(page, name)
}

/** Waits until htmx has settled and no CSS transition or animation is running (instead of a fixed sleep). */
async function settleAnimations(page: Page) {
  await page.waitForFunction(() =>
    !document.querySelector('.htmx-settling, .htmx-swapping, .htmx-request')
    // Finite ones only: a spinner's infinite animation never finishes.
    && document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity))
}

/** Opens the burger menu at phone width, waits for `shown` inside it, photographs it, back to desktop. */
async function photographPhoneMenu(page: Page, shown: Locator, name: string, opener: Locator = page.getByRole('button', { name: 'Menu' })) {
  await page.setViewportSize(PAGE_WIDTHS[1])
  await opener.click()
  await shown.waitFor({ state: 'visible' })
  await settleAnimations(page) // the burger's cross animates
  await takeScreenshot(page, name)
  await page.setViewportSize(PAGE_WIDTHS[0])
}

/** Submits a form through htmx and waits for the swap. */
async function submit(page: Page, button: string, status: number, path: string) {
  const response = page.waitForResponse((r) => new URL(r.url()).pathname === path && r.request().method() === 'POST')
  await page.getByRole('button', { name: button }).click()
  expect((await response).status()).toBe(status)
  await page.waitForFunction(() => !document.querySelector('.htmx-request'))
  await settleAnimations(page) // htmx settles, Bulma's colour transitions finish: photograph the result
}

// Chromium logs every non-2xx resource as a console error; the statuses a page is expected to answer
// with are not a defect. Anything else is.
function expectClean(problems: PageProblems) {
  const unexpected = problems.consoleErrors.filter((e) => !/^Failed to load resource: the server responded with a status of (400|401|404|422|429)\b/.test(e))
  expect(unexpected).toEqual([])
  expect(problems.cspViolations).toEqual([])
  expect(problems.pageErrors).toEqual([])
}

describe('page tour in Chromium (1280 px and 390 px)', () => {
  it('every page and error state is accessible, clean and photographed', async () => {
    const page = await chrome.newPage()
    const problems = await watchPage(page)

    // Logged out.
    await visit(page, '/', 'home')
    await photographPhoneMenu(page, page.getByRole('link', { name: 'Log in' }), 'tour-menu-open-390')
    await visit(page, '/about', 'about')
    await visit(page, '/contact', 'contact')
    await submit(page, 'Send message', 422, '/contact')
    await look(page, 'contact-422')
    await visit(page, '/no-such-page', '404', 404)
    await visit(page, '/login', 'login')
    // Keyboard focus on a teal button is visible (Bulma's own ring is a faint shadow).
    await page.getByLabel('Password', { exact: true }).focus()
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => { const s = getComputedStyle(document.activeElement!); return `${document.activeElement!.textContent} ${s.outlineStyle}` })).toBe('Log in solid')
    await page.getByLabel('Email', { exact: true }).fill(`nobody-${stamp}@example.com`)
    // Each failure raises the wait (0, 1, 2 s…); a password check takes about as long, so retry at once.
    let status = 0
    for (let attempt = 0; attempt < 4 && status !== 429; attempt++) {
      await page.getByLabel('Password', { exact: true }).fill(`wrong password ${attempt}`)
      const response = page.waitForResponse((r) => new URL(r.url()).pathname === '/login' && r.request().method() === 'POST')
      await page.getByRole('button', { name: 'Log in' }).click()
      status = (await response).status()
      await page.waitForFunction(() => !document.querySelector('.htmx-request'))
    }
    expect(status).toBe(429)
    await expect(page.getByRole('alert').textContent()).resolves.toContain('Too many attempts')
    await look(page, 'login-429')
    await page.getByLabel('Email', { exact: true }).fill(`nobody-else-${stamp}@example.com`)
    await page.getByLabel('Password', { exact: true }).fill('wrong password here')
    await submit(page, 'Log in', 401, '/login')
    // The swapped-away button does not drop keyboard focus to the top of the page: it is on the message.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Incorrect email or password.')
    await look(page, 'login-401')
    await visit(page, '/forgot-password', 'forgot-password')
    await submit(page, 'Send reset link', 422, '/forgot-password')
    await look(page, 'forgot-password-422')
    await visit(page, '/reset-password?token=not-a-real-token', 'reset-password-invalid', 400)
    await visit(page, '/verify-email?token=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'verify-email-confirm')
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Confirm my email address' }).click()])
    await page.getByRole('heading', { name: 'We could not verify your email' }).waitFor()
    await look(page, 'verify-email-link-failed')
    await visit(page, '/signup', 'signup')
    await submit(page, 'Create account', 422, '/signup')
    await look(page, 'signup-422')

    // Signed up, not verified yet.
    await page.getByLabel('Name', { exact: true }).fill('Tour Tester')
    await page.getByLabel('Email', { exact: true }).fill(email)
    await page.getByLabel('Password', { exact: true }).fill(password)
    await Promise.all([page.waitForURL(`${baseUrl}/verify-email`), page.getByRole('button', { name: 'Create account' }).click()])
    await waitForScripts(page)
    await look(page, 'verify-email')
    await page.getByLabel('8-digit code').fill('00000000')
    await submit(page, 'Verify email', 422, '/verify-email')
    await look(page, 'verify-email-422')
    await visit(page, '/dashboard', 'dashboard-unverified')
    await visit(page, '/settings', 'settings-unverified')
    const passwordForm = page.locator('#password-form')
    await passwordForm.getByLabel('Current password').fill('not my password at all')
    await passwordForm.getByLabel('New password').fill('short')
    await submit(page, 'Change password', 422, '/settings/password')
    await look(page, 'settings-422')

    // Verified.
    const mail = await waitForOutboxMail(baseUrl, email, 'verify-email')
    const link = /https?:\/\/[^\s"<>]+\/verify-email\?token=[a-z2-7]{32}/.exec(mail.text)![0]
    await page.goto(link)
    await waitForScripts(page)
    await Promise.all([page.waitForURL(`${baseUrl}/dashboard`), page.getByRole('button', { name: 'Confirm my email address' }).click()])
    await waitForScripts(page)
    await look(page, 'dashboard-verified')
    // Areas that are not built yet are not links to a 404.
    for (const href of await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!))) {
      if (href.startsWith('/')) expect((await fetch(`${baseUrl}${href}`, { redirect: 'manual' })).status, `dashboard link ${href}`).not.toBe(404)
    }
    // Signed in, the app shell's sidebar is a drawer at phone width, opened by its menu button.
    await photographPhoneMenu(page, page.locator('#app-sidebar').getByRole('link', { name: 'Usage' }), 'tour-menu-open-signed-in-390', page.getByRole('link', { name: 'Open menu' }))
    await page.keyboard.press('Escape')
    await visit(page, '/settings', 'settings-verified')
    await visit(page, '/verify-email', 'verify-email-done')
    await visit(page, '/dev/mail', 'dev-mail')
    await visit(page, '/dev/mail/templates', 'dev-mail-templates')
    // The admin area, after promoting this user in the database (roles only change there).
    const client = new pg.Client({ connectionString: inject('e2eDatabaseUrl') })
    await client.connect()
    await client.query(`update users set role = 'admin' where email = $1`, [email])
    await client.end()
    await visit(page, '/admin', 'admin')

    // A valid reset link, from a second (logged-out) page of the same profile after logging out.
    await page.locator('.account-menu-trigger').click()
    await Promise.all([page.waitForURL(`${baseUrl}/`), page.getByRole('button', { name: 'Log out' }).click()])
    await waitForScripts(page)
    await look(page, 'logged-out-flash')
    await visit(page, '/forgot-password', 'forgot-password-again')
    await page.getByLabel('Email', { exact: true }).fill(email)
    await submit(page, 'Send reset link', 200, '/forgot-password')
    await look(page, 'forgot-password-sent')
    const reset = await waitForOutboxMail(baseUrl, email, 'password-reset')
    const resetLink = /https?:\/\/[^\s"<>]+\/reset-password\?token=[a-z0-9]+/.exec(reset.text)![0]
    await visit(page, new URL(resetLink).pathname + new URL(resetLink).search, 'reset-password')
    await page.getByLabel('New password').fill('short')
    await submit(page, 'Set new password', 422, '/reset-password')
    await look(page, 'reset-password-422')

    // A visitor whose system is set to dark and who chose nothing gets the dark theme (issue 20).
    await page.emulateMedia({ colorScheme: 'dark' })
    await visit(page, '/', 'home-dark-system')
    expect(await page.evaluate(() => document.documentElement.dataset.theme ?? null)).toBeNull()
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    const [r, g, b] = background.match(/\d+/g)!.map(Number)
    expect(r! + g! + b!, background).toBeLessThan(150)

    expectClean(problems)
    await page.close()
    // About thirty pages at two widths and in the dark theme, with axe on each: minutes on a busy 2-core
    // machine, so this one test gets a longer limit than the project's 60 s (a limit, not a timing assertion).
  }, 420_000)
})
