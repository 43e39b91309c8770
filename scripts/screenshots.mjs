// Renders the main screens at 1280 and 390 px, light and dark, into docs/screenshots/ (issue 20), so a
// reader of the README sees the product before running it. Run against `npm run dev` (its demo data):
//   node scripts/screenshots.mjs [--base http://127.0.0.1:8787] [--out docs/screenshots] [--only home,dashboard]
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { chromium } from 'playwright-core'

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: process.env.QS_BASE_URL ?? 'http://127.0.0.1:8787' },
    out: { type: 'string', default: 'docs/screenshots' },
    only: { type: 'string' },
    // The landing page's product picture (public/images/product-dashboard-*.jpg) instead of the docs set.
    hero: { type: 'boolean', default: false },
  },
})

// The screens a buyer looks at first; `signedIn` ones are taken as the seeded admin (scripts/seed.mjs),
// who sees every section of the app shell.
export const SCREENS = [
  { name: 'home', path: '/' },
  { name: 'pricing', path: '/pricing' },
  { name: 'login', path: '/login' },
  { name: 'dashboard', path: '/dashboard', signedIn: true },
  { name: 'files', path: '/files', signedIn: true },
  { name: 'usage', path: '/usage', signedIn: true },
  { name: 'api-keys', path: '/settings/api-keys', signedIn: true },
  { name: 'billing', path: '/billing', signedIn: true },
  { name: 'settings', path: '/settings', signedIn: true },
  { name: 'admin', path: '/admin', signedIn: true },
  { name: 'admin-audit', path: '/admin/audit', signedIn: true },
]
const SIZES = [{ name: 'desktop', width: 1280, height: 800 }, { name: 'mobile', width: 390, height: 844 }]
const THEMES = ['light', 'dark']

const only = values.only ? new Set(values.only.split(',')) : null
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] })
try {
  fs.mkdirSync(values.out, { recursive: true })
  const signedIn = await browser.newContext()
  const login = await signedIn.newPage()
  await login.goto(`${values.base}/login`)
  await login.fill('input[name="email"]', 'admin@example.com')
  await login.fill('input[name="password"]', 'quickscale-admin-dev')
  await Promise.all([login.waitForURL((url) => !url.pathname.startsWith('/login')), login.click('form button[type="submit"]')])
  const cookies = await signedIn.cookies()
  if (values.hero) {
    // 1280 and 640 px wide (srcset): the same 1280×800 view, the second at half the pixel density.
    for (const scale of [1, 0.5]) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: scale, colorScheme: 'light' })
      await context.addCookies([...cookies, { name: 'theme', value: 'light', domain: new URL(values.base).hostname, path: '/' }])
      const page = await context.newPage()
      await page.goto(`${values.base}/dashboard`, { waitUntil: 'networkidle' })
      await page.evaluate(() => document.fonts.ready)
      const file = `public/images/product-dashboard-${1280 * scale}.jpg`
      await page.screenshot({ path: file, type: 'jpeg', quality: 82 })
      console.log(file)
      // The same view as WebP for browsers that take it (<picture> in src/pages/home.tsx): encoded by
      // Chromium's own canvas from a lossless capture, so no image library is needed. Chromium cannot
      // encode AVIF from a canvas, and the pipeline has no other encoder.
      const png = (await page.screenshot({ type: 'png' })).toString('base64')
      const encoder = await context.newPage()
      const webp = await encoder.evaluate(async (source) => {
        const image = new Image()
        image.src = `data:image/png;base64,${source}`
        await image.decode()
        const canvas = document.createElement('canvas')
        canvas.width = image.naturalWidth
        canvas.height = image.naturalHeight
        canvas.getContext('2d').drawImage(image, 0, 0)
        return canvas.toDataURL('image/webp', 0.8).split(',')[1]
      }, png)
      fs.writeFileSync(file.replace(/\.jpg$/, '.webp'), Buffer.from(webp, 'base64'))
      console.log(file.replace(/\.jpg$/, '.webp'))
      await context.close()
    }
    process.exit(0)
  }
  for (const size of SIZES) {
    for (const theme of THEMES) {
      for (const screen of SCREENS) {
        if (only && !only.has(screen.name)) continue
        const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, deviceScaleFactor: 1, colorScheme: theme })
        const origin = new URL(values.base)
        await context.addCookies([
          ...(screen.signedIn ? cookies : []),
          { name: 'theme', value: theme, domain: origin.hostname, path: '/' },
        ])
        const page = await context.newPage()
        const res = await page.goto(`${values.base}${screen.path}`, { waitUntil: 'networkidle' })
        if (!res || res.status() >= 400) throw new Error(`${screen.path}: HTTP ${res?.status()}`)
        await page.evaluate(() => document.fonts.ready)
        // JPEG of the first screenful: what a reader sees first, at a size a git repository can carry.
        const file = path.join(values.out, `${screen.name}-${size.name}-${theme}.jpg`)
        await page.screenshot({ path: file, type: 'jpeg', quality: 78 })
        console.log(file)
        await context.close()
      }
    }
  }
} finally {
  await browser.close()
}
