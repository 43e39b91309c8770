import { BRAND_COLOUR } from '../../src/site.config'
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest'
import { APP_NAME, expectNoSeriousA11yViolations, launchBrowser, takeScreenshot, watchPage, type LaunchedBrowser } from './browser'

// `wrangler dev` as `npm run dev` runs it: ENVIRONMENT=development and no RESEND_API_KEY, so the real
// local queue hands the mail to the consumer, which files it in the outbox at /dev/mail.
const baseUrl = inject('baseUrl')
let chrome: LaunchedBrowser

beforeAll(async () => { chrome = await launchBrowser() })
afterAll(async () => { await chrome?.close() })

describe('the local outbox in Chromium', () => {
  it('a contact message puts the admin notification in /dev/mail within 5 s', async () => {
    const page = await chrome.newPage()
    const problems = await watchPage(page)
    await page.goto(`${baseUrl}/contact`, { waitUntil: 'load' })
    await page.waitForFunction(() => 'htmx' in window)
    const subject = `Outbox ${Date.now()}`
    await page.getByLabel('Your name').fill('Outbox Tester')
    await page.getByLabel('Email').fill('outbox-tester@example.com')
    await page.getByLabel('Subject').fill(subject)
    await page.getByLabel('Message').fill('Please ring me about the Business plan.\nThanks!')
    await page.getByRole('button', { name: 'Send message' }).click()
    await page.getByText('your message has been sent').waitFor()

    // Poll the JSON view the way a developer's script (or the auth journey test) reads links: wait on the
    // condition (the mail is there), not on a clock.
    let mail: { subject: string; to: string; text: string } | undefined
    await vi.waitFor(async () => {
      const mails = (await (await fetch(`${baseUrl}/dev/mail.json`)).json()) as Array<{ subject: string; to: string; text: string }>
      mail = mails.find((m) => m.subject === `Contact form: ${subject}`)
      expect(mail, 'the admin mail in /dev/mail.json').toBeDefined()
    }, { timeout: 30_000, interval: 200 })
    expect(mail!.to).toBe('admin@example.com')
    expect(mail!.text).toContain('Please ring me about the Business plan.\nThanks!')

    await page.goto(`${baseUrl}/dev/mail`, { waitUntil: 'load' })
    const card = page.locator('article.box', { hasText: `Contact form: ${subject}` })
    await expect(card.locator('pre.mail-text').textContent()).resolves.toContain('Outbox Tester <outbox-tester@example.com>')
    // The HTML version renders, styled, inside its sandboxed frame.
    const frame = card.frameLocator('iframe.mail-frame')
    await expect(frame.locator('h1').textContent()).resolves.toBe('New contact message')
    const brandColour = await frame.locator('p', { hasText: APP_NAME }).first().evaluate((el) => getComputedStyle(el).color)
    // The brand colour of src/site.config.ts (templates/layout.tsx): the inline styles reached the frame.
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(BRAND_COLOUR.slice(i, i + 2), 16))
    expect(brandColour).toBe(`rgb(${r}, ${g}, ${b})`)
    await takeScreenshot(page, 'dev-mail', { fullPage: false })
    await expectNoSeriousA11yViolations(page, '/dev/mail')
    expect(problems.cspViolations).toEqual([])
    expect(problems.pageErrors).toEqual([])
    await page.close()
  })
})
