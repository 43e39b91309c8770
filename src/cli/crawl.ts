import { chromium, type Page } from 'playwright-core'
import { CliError, EXIT, describeError } from './errors'

/** QuickScale's `crawl` on this stack: sign in, visit every same-origin page reachable by links, report problems. */
export interface CrawlOptions {
  baseUrl: string
  credentials?: { email: string; password: string }
  maxPages: number
  chromiumPath: string
  log: (line: string) => void
}

export interface CrawlProblem {
  page: string
  problem: string
}

export interface CrawlReport {
  pages: string[]
  problems: CrawlProblem[]
}

// Links a crawler must not follow: they end the session it is crawling with.
// Not pages: logging out ends the crawl's session; /api/ answers JSON to API keys (the reference page that
// links it, /docs/api, is crawled).
const SKIP = [/^\/logout\b/, /^\/api\//]

export async function crawlSite(options: CrawlOptions): Promise<CrawlReport> {
  const origin = new URL(options.baseUrl).origin
  let browser
  try {
    browser = await chromium.launch({ executablePath: options.chromiumPath, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] })
  } catch (err) {
    throw new CliError(`Chromium did not start (${options.chromiumPath}): ${describeError(err).split('\n')[0]}`, 'Install it (`apt-get install chromium`) or point CHROMIUM_PATH at a Chromium binary.', EXIT.service, { cause: err })
  }
  const problems: CrawlProblem[] = []
  const visited: string[] = []
  try {
    const context = await browser.newContext()
    const page = await context.newPage()
    let current = ''
    page.on('console', (msg) => { if (msg.type() === 'error') problems.push({ page: current, problem: `console error: ${msg.text()}` }) })
    page.on('pageerror', (err) => problems.push({ page: current, problem: `script error: ${err.message}` }))
    page.on('response', (res) => {
      const url = res.url()
      if (url.startsWith(origin) && res.request().resourceType() !== 'document' && res.status() >= 400) problems.push({ page: current, problem: `asset ${new URL(url).pathname} answered ${res.status()}` })
    })
    page.on('requestfailed', (req) => {
      // net::ERR_ABORTED is the crawler's own doing: moving to the next page cancels what is still in
      // flight after `load` (the favicon, at least, is always fetched after it), which on a busy machine
      // is a coin toss. A server that fails a request shows another code (ERR_EMPTY_RESPONSE, …).
      if (req.failure()?.errorText === 'net::ERR_ABORTED') return
      if (req.url().startsWith(origin)) problems.push({ page: current, problem: `request for ${new URL(req.url()).pathname} failed: ${req.failure()?.errorText ?? 'unknown'}` })
    })

    if (options.credentials) await signIn(page, origin, options.credentials)
    const queue: string[] = ['/', ...(options.credentials ? ['/dashboard'] : [])]
    const seen = new Set(queue)
    const referrers = new Map<string, string>()
    while (queue.length > 0 && visited.length < options.maxPages) {
      const path = queue.shift()!
      current = path
      visited.push(path)
      const res = await page.goto(origin + path, { waitUntil: 'load', timeout: 30_000 }).catch((err) => {
        problems.push({ page: path, problem: `did not load: ${describeError(err).split('\n')[0]}` })
        return null
      })
      if (!res) continue
      const from = referrers.get(path)
      if (res.status() !== 200) problems.push({ page: path, problem: `answered ${res.status()}${from ? ` (linked from ${from})` : ''}` })
      if (!(await page.title()).trim()) problems.push({ page: path, problem: 'has no <title>' })
      options.log(`  ${res.status()} ${path}`)
      // Playwright runs this callback in the page from its source text, where istanbul's counters
      // (npm run test:coverage) do not exist: left uninstrumented (`@preserve` keeps the hint through vite).
      const hrefs = await page.$$eval('a[href]', /* istanbul ignore next -- @preserve */ (as) => as.map((a) => a.getAttribute('href') ?? ''))
      for (const href of hrefs) {
        if (href.startsWith('mailto:') || href.startsWith('tel:') || href.startsWith('#')) continue
        const url = new URL(href, page.url())
        if (url.origin !== origin) continue
        const target = url.pathname + url.search
        if (SKIP.some((re) => re.test(target)) || seen.has(target)) continue
        seen.add(target)
        referrers.set(target, path)
        queue.push(target)
      }
    }
  } finally {
    await browser.close()
  }
  return { pages: visited, problems }
}

async function signIn(page: Page, origin: string, credentials: { email: string; password: string }): Promise<void> {
  await page.goto(`${origin}/login`, { waitUntil: 'load' })
  await page.getByLabel('Email', { exact: true }).fill(credentials.email)
  await page.getByLabel('Password', { exact: true }).fill(credentials.password)
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login', { timeout: 30_000 }).catch(() => undefined),
    page.getByRole('button', { name: 'Log in' }).click(),
  ])
  if (new URL(page.url()).pathname === '/login') {
    throw new CliError(`Could not sign in as ${credentials.email} at ${origin}.`, 'Check the address and password (`npx quickscale db seed` creates the dev accounts; `npx quickscale admin create` makes an admin).', EXIT.failed)
  }
}
