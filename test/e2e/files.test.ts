import fs from 'node:fs'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { expectNoSeriousA11yViolations, launchBrowser, takeScreenshot, watchPage, waitForScripts, type LaunchedBrowser, type PageProblems } from './browser'
import { pickFiles as pickFilesStep, signUp, markVerifiedInDatabase } from './steps'

const baseUrl = inject('baseUrl')
const email = `files-${Date.now()}@example.com`
const password = 'files journey passphrase'
const photo = fs.readFileSync('test/fixtures/files/photo.jpg')
// Long names without a break opportunity: the hardest case for a 390 px screen.
const LONG_NAME = `${'quarterly-revenue-forecast-final-v2-'.repeat(4)}draft.txt`

let browser: LaunchedBrowser
let page: Page
let problems: PageProblems

beforeAll(async () => {
  browser = await launchBrowser()
  page = await browser.newPage()
  problems = await watchPage(page)
  // A verified account (the mail-link journey is auth's test; here the address is confirmed in the database).
  await signUp(page, baseUrl, { name: 'Files Tester', email, password })
  await markVerifiedInDatabase(inject('e2eDatabaseUrl'), email)
})
afterAll(async () => { await browser?.close() })

async function openFiles(query = '') {
  await page.goto(`${baseUrl}/files${query}`)
  await waitForScripts(page)
}

const pickFiles = (files: { name: string; mimeType: string; buffer: Buffer }[]) => pickFilesStep(page, files)

// An htmx swap after a 400 ms input delay, on two cores shared with other runs: more than poll's 1 s default.
const SWAP = { timeout: 15_000 }

const uploadItem = (name: string) => page.locator('.upload-item', { hasText: name })

/**
 * A real pointer click lands on the link itself (nothing covers it), and no ancestor hides part of its
 * content (overflow hidden with more inside than shows): Bulma's `.file-name` gave the name cell a control's
 * fixed height and overflow hidden, which cut the links line off by a font's metrics.
 */
async function expectClickable(link: Locator) {
  await link.scrollIntoViewIfNeeded()
  const hit = await link.evaluate((el) => {
    const box = el.getBoundingClientRect()
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)
    const clipping: string[] = []
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a)
      const hides = /hidden|clip/.test(`${style.overflowX} ${style.overflowY}`)
      if (hides && (a.scrollHeight > a.clientHeight + 1 || a.scrollWidth > a.clientWidth + 1)) clipping.push(`${a.tagName}.${a.className}`)
    }
    return { hitsLink: top !== null && (top === el || el.contains(top)), clipping, width: box.width }
  })
  expect(hit).toMatchObject({ hitsLink: true, clipping: [] })
  expect(hit.width).toBeGreaterThan(20)
}

describe('files in Chromium', () => {
  it('upload through the picker → green bar that clears → thumbnail → sort/filter → download → delete frees the quota; refusals turn red and stay', async () => {
    await openFiles()
    await page.getByText('You have no files yet.').waitFor()
    await expectNoSeriousA11yViolations(page, '/files (empty)')

    // A real JPEG and a text file. The bar's value comes only from XHR upload progress events.
    await pickFiles([
      { name: 'sunset.jpg', mimeType: 'image/jpeg', buffer: photo },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Remember the sunscreen.\n') },
    ])
    await uploadItem('sunset.jpg').getByText('Uploaded.').waitFor()
    const bar = uploadItem('sunset.jpg').locator('progress')
    await expect(bar.evaluate((el: HTMLProgressElement) => [el.value, el.classList.contains('is-success'), el.classList.contains('is-danger')])).resolves.toEqual([100, true, false])
    await uploadItem('notes.txt').getByText('Uploaded.').waitFor()
    // A success needs nothing from the person: it leaves the list on its own.
    await uploadItem('sunset.jpg').waitFor({ state: 'detached', timeout: 15_000 })
    await uploadItem('notes.txt').waitFor({ state: 'detached', timeout: 15_000 })

    // Refused by the server (415: the bytes are text, the name says PNG): the bar turns red with the
    // server's own message, and stays until dismissed.
    await pickFiles([{ name: 'chart.png', mimeType: 'image/png', buffer: Buffer.from('not a picture at all\n') }])
    const refused = uploadItem('chart.png')
    await refused.getByText('".png" files are not accepted. Text files must end in .txt, .csv, .tsv, .md or .log.').waitFor()
    await expect(refused.getAttribute('data-status')).resolves.toBe('error')
    await expect(refused.locator('progress').evaluate((el) => [el.classList.contains('is-danger'), el.classList.contains('is-success')])).resolves.toEqual([true, false])
    // Refused in the browser before sending (a type the allowlist never takes): red, no bar.
    await pickFiles([{ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg/>') }])
    await uploadItem('logo.svg').getByText('This file type is not accepted.').waitFor()
    await expect(uploadItem('logo.svg').locator('progress').isVisible()).resolves.toBe(false)
    await expectNoSeriousA11yViolations(page, '/files (refused uploads)')
    await takeScreenshot(page, 'files-upload-refused', { fullPage: true })
    await page.getByRole('button', { name: 'Dismiss chart.png' }).click()
    await page.getByRole('button', { name: 'Dismiss logo.svg' }).click()
    await expect(page.locator('.upload-item').count()).resolves.toBe(0)

    // The list refreshed itself (htmx); the pending thumbnail polls until the thumbnailer Worker made it.
    const thumbnail = page.getByRole('img', { name: 'Thumbnail of sunset.jpg' })
    await thumbnail.waitFor({ timeout: 30_000 })
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320)
    await takeScreenshot(page, 'files-uploaded', { fullPage: true })

    // Sort and filter find it.
    await page.getByLabel('Sort by').selectOption('name')
    await page.getByLabel('Order').selectOption('desc')
    await expect.poll(() => page.locator('.files-name').allTextContents(), SWAP).toEqual(['sunset.jpg', 'notes.txt'])
    await page.getByLabel('Name contains').fill('suns')
    await expect.poll(() => page.locator('.files-name').allTextContents(), SWAP).toEqual(['sunset.jpg'])
    await page.getByLabel('Name contains').fill('')
    await expect.poll(() => page.locator('.files-name').allTextContents(), SWAP).toEqual(['sunset.jpg', 'notes.txt'])
    await page.getByLabel('Type').selectOption('image')
    await expect.poll(() => page.url(), SWAP).toContain('kind=image')
    await expect.poll(() => page.locator('.files-name').allTextContents(), SWAP).toEqual(['sunset.jpg'])
    await expectNoSeriousA11yViolations(page, '/files (filtered)')

    // Download: the same bytes.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download sunset.jpg' }).click()])
    expect(download.suggestedFilename()).toBe('sunset.jpg')
    expect(fs.readFileSync((await download.path())!)).toEqual(photo)

    // Delete frees the quota the meter counted.
    await page.getByLabel('Type').selectOption('')
    await expect.poll(() => page.locator('.files-name').allTextContents(), SWAP).toEqual(['sunset.jpg', 'notes.txt'])
    await expect.poll(() => page.locator('#storage-quota').textContent(), SWAP).toMatch(/^15 KiB of \d+ MiB storage used$/)
    page.once('dialog', (dialog) => { void dialog.accept() })
    await page.locator('summary', { hasText: 'Manage sunset.jpg' }).click()
    await page.getByRole('button', { name: 'Delete sunset.jpg' }).click()
    await expect.poll(() => page.locator('.files-name').allTextContents(), SWAP).toEqual(['notes.txt'])
    await expect(page.locator('#storage-quota').textContent()).resolves.toMatch(/^24 B of/)
  })

  it('the drop zone: a drag over it shows, a dropped file uploads and the list refreshes; the keyboard reaches the picker with a visible ring', async () => {
    await openFiles()
    const zone = page.locator('.upload-drop')
    const idleBorder = await zone.evaluate((el) => getComputedStyle(el).borderColor)
    const dataTransfer = await page.evaluateHandle(() => {
      const dt = new DataTransfer()
      dt.items.add(new File(['dropped on the zone\n'], 'dropped.txt', { type: 'text/plain' }))
      return dt
    })
    await zone.dispatchEvent('dragenter', { dataTransfer })
    await zone.dispatchEvent('dragover', { dataTransfer })
    await expect.poll(() => zone.getAttribute('class')).toContain('is-dragover')
    // The colour eases in (a 0.15 s transition): poll until it has moved off the idle one.
    await expect.poll(() => zone.evaluate((el) => getComputedStyle(el).borderColor)).not.toBe(idleBorder)
    await takeScreenshot(page, 'files-dragover', { fullPage: false })
    await zone.dispatchEvent('drop', { dataTransfer })
    await expect.poll(() => zone.getAttribute('class')).not.toContain('is-dragover')
    await uploadItem('dropped.txt').getByText('Uploaded.').waitFor()
    // A file dropped beside the zone does not replace the page with the file.
    const besideZone = await page.locator('h1').evaluate((heading, dt) => {
      const drop = new DragEvent('drop', { dataTransfer: dt as DataTransfer, bubbles: true, cancelable: true })
      heading.dispatchEvent(drop)
      return drop.defaultPrevented
    }, dataTransfer)
    expect(besideZone).toBe(true)
    await expect.poll(() => page.locator('.files-name').allTextContents(), SWAP).toContain('dropped.txt')

    // Keyboard: Tab from the project menu lands on the real file input, whose label shows the focus ring,
    // and Space opens the picker. The wait starts first: Playwright turns on Chromium's file-chooser
    // interception when it does, in a message of its own, and a key press (one quick message, unlike a
    // click) could overtake it on a loaded machine — the chooser then went to headless Chromium's own
    // dialog and no event came (CI, 2026-12-05). The focus steps below are round trips after it.
    const chooserEvent = page.waitForEvent('filechooser')
    await page.locator('#upload-project').focus()
    await page.keyboard.press('Tab')
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('upload-input')
    await expect(page.locator('.upload-choose-button').evaluate((el) => getComputedStyle(el).outlineStyle)).resolves.toBe('solid')
    const [chooser] = await Promise.all([chooserEvent, page.keyboard.press('Space')])
    expect(chooser.isMultiple()).toBe(true)
    await chooser.setFiles([{ name: 'typed.txt', mimeType: 'text/plain', buffer: Buffer.from('chosen with the keyboard\n') }])
    await uploadItem('typed.txt').getByText('Uploaded.').waitFor()
    await expect.poll(() => page.locator('.files-name').allTextContents(), SWAP).toContain('typed.txt')
  })

  it('Download and Open take a real pointer click at 1280 and 390 px, in the list and the grid', async () => {
    for (const size of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
      await page.setViewportSize(size)
      for (const view of ['list', 'grid']) {
        await openFiles(`?view=${view}&kind=image`)
        // sunset.jpg went in the first test; upload a picture again when that test was skipped or failed.
        if (await page.locator('.files-name').count() === 0) {
          await pickFiles([{ name: 'sunset.jpg', mimeType: 'image/jpeg', buffer: photo }])
          await expect.poll(() => page.locator('.files-name').count(), SWAP).toBeGreaterThan(0)
        }
        const name = (await page.locator('.files-name').first().textContent())!
        const downloadLink = page.getByRole('link', { name: `Download ${name}` }).first()
        const openLink = page.getByRole('link', { name: `Open ${name}` }).first()
        await expectClickable(downloadLink)
        const [download] = await Promise.all([page.waitForEvent('download'), downloadLink.click()])
        expect(download.suggestedFilename()).toBe(name)
        await expectClickable(openLink)
        const [popup] = await Promise.all([page.waitForEvent('popup'), openLink.click()])
        await popup.waitForLoadState()
        expect(popup.url()).toMatch(/\/files\/[0-9a-f-]{36}\/view$/)
        await popup.close()
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  it('390 px: nothing wider than the screen, with long names, in the list and the grid, Manage open', async () => {
    await openFiles()
    await pickFiles([{ name: LONG_NAME, mimeType: 'text/plain', buffer: Buffer.from('a long name\n') }])
    await uploadItem(LONG_NAME.slice(0, 40)).getByText('Uploaded.').waitFor()
    await page.setViewportSize({ width: 390, height: 844 })
    for (const view of ['list', 'grid']) {
      await openFiles(`?view=${view}&sort=name&dir=desc`)
      await page.locator('summary', { hasText: `Manage ${LONG_NAME}` }).click()
      const wide = await page.evaluate(() => [...document.querySelectorAll('main *')].filter((el) => el.getBoundingClientRect().right > 391).map((el) => `${el.tagName}.${el.className}`).slice(0, 8))
      expect(wide, `${view} view`).toEqual([])
      await expect(page.evaluate(() => document.documentElement.scrollWidth), `${view} view`).resolves.toBeLessThanOrEqual(390)
      await expectNoSeriousA11yViolations(page, `/files (${view}, 390 px)`)
      await takeScreenshot(page, `files-${view}-390`, { fullPage: true })
    }
    await page.setViewportSize({ width: 1280, height: 900 })

    expect(problems.cspViolations).toEqual([])
    expect(problems.pageErrors).toEqual([])
  })

  it('dark theme (the system\'s): the drop zone, a refused upload and the list in both views are axe-clean', async () => {
    await page.emulateMedia({ colorScheme: 'dark' })
    try {
      for (const view of ['list', 'grid']) {
        await openFiles(`?view=${view}`)
        await pickFiles([{ name: 'dark.png', mimeType: 'image/png', buffer: Buffer.from('still not a picture\n') }])
        await uploadItem('dark.png').getByText('".png" files are not accepted', { exact: false }).waitFor()
        // The pointer off the button it chose with: Bulma's hover shade of the brand is the design
        // system's to measure, not this page's.
        await page.mouse.move(0, 0)
        await expectNoSeriousA11yViolations(page, `/files (${view}, dark)`)
        await takeScreenshot(page, `files-${view}-dark`, { fullPage: true })
      }
    } finally {
      await page.emulateMedia({ colorScheme: 'light' })
    }
  })

  it('without JavaScript the panel is a plain form: files post, the browser shows them with a flash; a refusal is a page with the message', async () => {
    const noJs = await launchBrowser({ javaScriptEnabled: false })
    try {
      await noJs.context.addCookies(await browser.context.cookies())
      const plain = await noJs.newPage()
      await plain.goto(`${baseUrl}/files`)
      await takeScreenshot(plain, 'files-no-js', { fullPage: false })
      await plain.getByLabel('Choose files').setInputFiles([
        { name: 'plain-one.txt', mimeType: 'text/plain', buffer: Buffer.from('first\n') },
        { name: 'plain-two.txt', mimeType: 'text/plain', buffer: Buffer.from('second\n') },
      ])
      const [posted] = await Promise.all([plain.waitForNavigation(), plain.getByRole('button', { name: 'Upload', exact: true }).click()])
      expect(posted?.url()).toBe(`${baseUrl}/files`)
      await plain.getByText('Uploaded 2 files.').waitFor()
      await expect(plain.locator('.files-name', { hasText: 'plain-two.txt' }).count()).resolves.toBe(1)

      await plain.getByLabel('Choose files').setInputFiles([{ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<html><body>hi</body></html>') }])
      const [refused] = await Promise.all([plain.waitForNavigation(), plain.getByRole('button', { name: 'Upload', exact: true }).click()])
      expect(refused?.status()).toBe(415)
      await plain.getByText('“page.html”: HTML, SVG and other markup files are not accepted').waitFor()
    } finally {
      await noJs.close()
    }
  })
})
