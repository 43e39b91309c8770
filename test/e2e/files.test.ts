import fs from 'node:fs'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { expectNoSeriousA11yViolations, launchBrowser, screenshotPath, watchPage, waitForScripts, type LaunchedBrowser } from './browser'

const baseUrl = inject('baseUrl')
const email = `files-${Date.now()}@example.com`
const password = 'files journey passphrase'
const photo = fs.readFileSync('test/fixtures/files/photo.jpg')

let browser: LaunchedBrowser
beforeAll(async () => { browser = await launchBrowser() })
afterAll(async () => { await browser?.close() })

describe('files in Chromium', () => {
  it('upload a JPEG → progress bar → thumbnail appears → sort/filter find it → download gives the same bytes → delete frees the quota', async () => {
    const page = await browser.newPage()
    const problems = await watchPage(page)

    // A verified account (the mail-link journey is auth's test; here the address is confirmed in the database).
    await page.goto(`${baseUrl}/signup`)
    await waitForScripts(page)
    await page.getByLabel('Name', { exact: true }).fill('Files Tester')
    await page.getByLabel('Email', { exact: true }).fill(email)
    await page.getByLabel('Password', { exact: true }).fill(password)
    await Promise.all([page.waitForURL(`${baseUrl}/verify-email`), page.getByRole('button', { name: 'Create account' }).click()])
    const client = new pg.Client({ connectionString: inject('e2eDatabaseUrl') })
    await client.connect()
    await client.query('update users set email_verified_at = now() where email = $1', [email])
    await client.end()

    await page.goto(`${baseUrl}/files`)
    await waitForScripts(page)
    await page.getByText('You have no files yet.').waitFor()
    await expectNoSeriousA11yViolations(page, '/files (empty)')

    // Upload: a real JPEG and a text file. The bar's value comes only from XHR upload progress events.
    await page.locator('#upload-input').setInputFiles([
      { name: 'sunset.jpg', mimeType: 'image/jpeg', buffer: photo },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Remember the sunscreen.\n') },
    ])
    const sunsetUpload = page.locator('.upload-item', { hasText: 'sunset.jpg' })
    await sunsetUpload.getByText('Uploaded.').waitFor()
    await expect(sunsetUpload.locator('progress').evaluate((el: HTMLProgressElement) => el.value)).resolves.toBe(100)
    await expect(sunsetUpload.locator('progress').isVisible()).resolves.toBe(true)
    await page.locator('.upload-item', { hasText: 'notes.txt' }).getByText('Uploaded.').waitFor()

    // A file the browser refuses before sending.
    await page.locator('#upload-input').setInputFiles([{ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg/>') }])
    await page.locator('.upload-item', { hasText: 'logo.svg' }).getByText('This file type is not accepted.').waitFor()

    // The list refreshes itself; the pending thumbnail polls until the thumbnailer Worker has made it.
    const thumbnail = page.getByRole('img', { name: 'Thumbnail of sunset.jpg' })
    await thumbnail.waitFor({ timeout: 30_000 })
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320)
    await page.screenshot({ path: screenshotPath('files-uploaded'), fullPage: true })

    // Sort and filter find it.
    await page.getByLabel('Sort by').selectOption('name')
    await page.getByLabel('Order').selectOption('desc')
    await expect.poll(() => page.locator('.file-name-text').allTextContents()).toEqual(['sunset.jpg', 'notes.txt'])
    await page.getByLabel('Name contains').fill('suns')
    await expect.poll(() => page.locator('.file-name-text').allTextContents()).toEqual(['sunset.jpg'])
    await page.getByLabel('Name contains').fill('')
    await expect.poll(() => page.locator('.file-name-text').allTextContents()).toEqual(['sunset.jpg', 'notes.txt'])
    await page.getByLabel('Type').selectOption('image')
    await expect.poll(() => page.url()).toContain('kind=image')
    await expect.poll(() => page.locator('.file-name-text').allTextContents()).toEqual(['sunset.jpg'])
    await expectNoSeriousA11yViolations(page, '/files (filtered)')

    // Download: the same bytes.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download sunset.jpg' }).click()])
    expect(download.suggestedFilename()).toBe('sunset.jpg')
    expect(fs.readFileSync((await download.path())!)).toEqual(photo)

    // Delete frees the quota the meter counted.
    await page.getByLabel('Type').selectOption('')
    await expect.poll(() => page.locator('.file-name-text').allTextContents()).toEqual(['sunset.jpg', 'notes.txt'])
    await expect.poll(() => page.locator('#storage-quota').textContent()).toMatch(/^15 KiB of 95 MiB/)
    page.once('dialog', (dialog) => { void dialog.accept() })
    await page.locator('summary', { hasText: 'Manage sunset.jpg' }).click()
    await page.getByRole('button', { name: 'Delete sunset.jpg' }).click()
    await expect.poll(() => page.locator('.file-name-text').allTextContents()).toEqual(['notes.txt'])
    await expect(page.locator('#storage-quota').textContent()).resolves.toMatch(/^24 B of/)

    // Usable at 390 px: nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${baseUrl}/files?view=grid`)
    await waitForScripts(page)
    const wide = await page.evaluate(() => [...document.querySelectorAll('main *')].filter((el) => el.getBoundingClientRect().right > 391).map((el) => `${el.tagName}.${el.className}`).slice(0, 8))
    expect(wide).toEqual([])
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390)
    await expectNoSeriousA11yViolations(page, '/files (grid, 390 px)')
    await page.screenshot({ path: screenshotPath('files-grid-390'), fullPage: true })

    expect(problems.cspViolations).toEqual([])
    expect(problems.pageErrors).toEqual([])
  })
})
