// `npm run lighthouse`: mobile Lighthouse (performance, accessibility, best practices, SEO) on every public
// page, and accessibility on every signed-in page (as the seeded demo admin, who sees every page).
// Goals (issue 20): 100 in each. Prints one table and the audits that miss, and exits 1 below a goal.
// A measurement, not a test (scores move with machine load): run it on a quiet machine. docs/performance.md.
//   npm run lighthouse                      starts its own app (bench/lighthouse-app.mjs) and stops it
//   npm run lighthouse -- http://host:port  measures an app that is already running (demo data seeded)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { registerNodeHooks } from '../bin/node-hooks.mjs'
import { signIn, startApp } from './lighthouse-app.mjs'

const run = promisify(execFile)
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PUBLIC_CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo']
const SIGNED_IN_CATEGORIES = ['accessibility']
const GOAL = Number(process.env.LIGHTHOUSE_GOAL ?? 100)
// Pages no link on the home page or the login page leads to; the rest is found from those pages' links.
const PUBLIC_SEEDS = ['/', '/login', '/signup', '/forgot-password', '/pricing', '/contact']
const SIGNED_IN_SEEDS = ['/dashboard', '/settings', '/admin']
// Links that are actions or not pages of their own.
const NOT_A_PAGE = /^\/(logout|dev|api|health|vendor|billing\/(cancel|success|checkout|portal))(\/|$)|\.[a-z0-9]+$/
// The same Chromium the browser tests use (test/e2e/browser.ts), with the flags a closed network needs.
const CHROME_PATH = process.env.CHROME_PATH ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROME_FLAGS = '--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync'
const REPORT_DIR = path.join(ROOT, 'test-results', 'lighthouse')

/** Same-origin page paths linked from the HTML at `url` (query and fragment dropped). */
async function linkedPages(url, headers = {}) {
  const res = await fetch(url, { headers, redirect: 'manual' })
  const html = await res.text()
  const paths = new Set()
  for (const [, href] of html.matchAll(/<a\b[^>]*\bhref="([^"#]*)/g)) {
    const target = new URL(href.replaceAll('&amp;', '&'), url)
    if (target.origin !== new URL(url).origin) continue
    // An id-like segment (uuid, number) is one row of a list, not a page of its own.
    if (NOT_A_PAGE.test(target.pathname) || /\/([0-9a-f-]{36}|\d+)(\/|$)/.test(target.pathname)) continue
    paths.add(target.pathname)
  }
  return [...paths]
}

async function lighthouse(url, categories, cookie) {
  const args = [url, '--output=json', '--output-path=stdout', '--quiet', `--only-categories=${categories.join(',')}`, `--chrome-flags=${CHROME_FLAGS}`]
  if (cookie) args.push(`--extra-headers=${JSON.stringify({ Cookie: cookie })}`)
  const { stdout } = await run(path.join(ROOT, 'node_modules/.bin/lighthouse'), args, {
    // SIGINT on timeout: Lighthouse's launcher then stops its Chrome (on SIGTERM the browser outlives it).
    env: { ...process.env, CHROME_PATH }, maxBuffer: 64 * 1024 * 1024, timeout: 180_000, killSignal: 'SIGINT',
  })
  return JSON.parse(stdout)
}

/** One line for an audit's item: the element and what is wrong with it, or the resource. */
function describeItem(item) {
  if (item.node) {
    const why = String(item.node.explanation ?? '').replace(/^Fix (any|all) of the following:\s*/, '').split('\n')[0]
    return `${item.node.selector ?? item.node.snippet}${why ? ` — ${why}` : ''}`
  }
  if (typeof item.description === 'string') return item.description
  return item.source?.url ?? (typeof item.url === 'string' ? item.url : null)
}

/** Audits of the measured categories that score below 1, with a few of their items. */
function missedAudits(lhr) {
  const ids = new Set(Object.values(lhr.categories).flatMap((c) => c.auditRefs.filter((r) => r.weight > 0 || r.group !== 'hidden').map((r) => r.id)))
  return [...ids].map((id) => lhr.audits[id]).filter((a) => a && typeof a.score === 'number' && a.score < 1 && a.scoreDisplayMode !== 'informative')
    .map((a) => ({
      id: a.id,
      title: a.title,
      value: a.displayValue ?? '',
      items: (Array.isArray(a.details?.items) ? a.details.items : []).map(describeItem).filter(Boolean).slice(0, 4),
    }))
}

const pad = (s, n) => String(s).padEnd(n)
const score = (lhr, id) => (lhr.categories[id] ? Math.round(lhr.categories[id].score * 100) : '')

let app = null
// Ctrl-C: the app's wrangler dev runs in its own process group and Postgres in the background; stop both.
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, async () => { if (app) await app.stop(); process.exit(130) })
try {
  const attachTo = process.argv[2]
  const base = attachTo ?? (app = await startApp({ environment: process.env.LIGHTHOUSE_ENVIRONMENT ?? 'production' })).url
  registerNodeHooks()
  const { DEV_ACCOUNTS } = await import('../src/cli/seed.ts')
  const admin = DEV_ACCOUNTS.find((a) => a.role === 'admin')
  const cookie = await signIn(base, process.env.LIGHTHOUSE_EMAIL ?? admin.email, process.env.LIGHTHOUSE_PASSWORD ?? admin.password)

  const publicPages = [...new Set([...PUBLIC_SEEDS, ...(await linkedPages(new URL('/', base))), ...(await linkedPages(new URL('/login', base)))])]
  const signedInLinks = (await Promise.all(SIGNED_IN_SEEDS.map((p) => linkedPages(new URL(p, base), { cookie })))).flat()
  const signedInPages = [...new Set([...SIGNED_IN_SEEDS, ...signedInLinks])].filter((p) => !publicPages.includes(p))
  const plan = [
    ...publicPages.map((p) => ({ path: p, categories: PUBLIC_CATEGORIES })),
    ...signedInPages.map((p) => ({ path: p, categories: SIGNED_IN_CATEGORIES, cookie })),
  ]
  console.log(`lighthouse: ${plan.length} pages, mobile, one at a time; load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}`)
  fs.mkdirSync(REPORT_DIR, { recursive: true })
  const results = []
  for (const page of plan) {
    // One request first: the first hit of a route in a fresh wrangler dev compiles and connects (seconds).
    await fetch(new URL(page.path, base), { headers: page.cookie ? { cookie: page.cookie } : {} }).then((r) => r.arrayBuffer())
    let lhr
    // A run that does not finish (on a busy machine: a DevTools protocol timeout, or NO_FCP) is tried once
    // more; a second failure scores nothing, and says why.
    for (let attempt = 1; attempt <= 2 && !lhr; attempt++) {
      try {
        lhr = await lighthouse(new URL(page.path, base).toString(), page.categories, page.cookie)
      } catch (err) {
        const why = String(err.stderr || err.message).split('\n').find((l) => /error/i.test(l)) ?? String(err.message).slice(0, 200)
        if (attempt === 2) lhr = { categories: {}, audits: {}, runtimeError: { code: 'NO_RESULT', message: why.trim() } }
      }
    }
    const name = page.path === '/' ? 'home' : page.path.slice(1).replaceAll('/', '-')
    fs.writeFileSync(path.join(REPORT_DIR, `${name}.json`), JSON.stringify(lhr))
    if (lhr.runtimeError) console.error(`\nlighthouse: ${page.path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`)
    results.push({ ...page, lhr, missed: lhr.runtimeError ? [] : missedAudits(lhr) })
    process.stdout.write('.')
  }
  console.log(`\nlighthouse: load average after ${os.loadavg().map((n) => n.toFixed(2)).join(' ')}; JSON reports in ${path.relative(ROOT, REPORT_DIR)}/`)
  console.log('')
  console.log(`${pad('page', 22)}${pad('signed in', 11)}${pad('perf', 6)}${pad('a11y', 6)}${pad('best', 6)}seo`)
  for (const r of results) {
    console.log(`${pad(r.path, 22)}${pad(r.cookie ? 'yes' : '', 11)}${pad(score(r.lhr, 'performance'), 6)}${pad(score(r.lhr, 'accessibility'), 6)}${pad(score(r.lhr, 'best-practices'), 6)}${score(r.lhr, 'seo')}`)
  }
  // Lighthouse's own measure of this machine's speed during each run (higher is faster). The mobile
  // preset multiplies the main-thread work it observed by 4, so a busy machine (low index) scores worse.
  const benchmarks = results.map((r) => r.lhr.environment?.benchmarkIndex).filter(Number.isFinite)
  if (benchmarks.length > 0) console.log(`\nbenchmarkIndex (Lighthouse's CPU speed estimate): min ${Math.min(...benchmarks)}, max ${Math.max(...benchmarks)}`)
  for (const warning of new Set(results.flatMap((r) => r.lhr.runWarnings ?? []))) console.log(`lighthouse warning: ${warning.replace(/\s+/g, ' ').slice(0, 300)}`)
  let below = false
  for (const r of results) {
    const low = r.categories.filter((c) => !r.lhr.categories[c] || r.lhr.categories[c].score * 100 < GOAL)
    if (low.length === 0) continue
    below = true
    console.log(`\n${r.path}: below ${GOAL} in ${low.join(', ')}`)
    for (const a of r.missed) {
      console.log(`  - ${a.id}: ${a.title}${a.value ? ` (${a.value})` : ''}`)
      for (const item of a.items) console.log(`      ${String(item).replace(/\s+/g, ' ').slice(0, 200)}`)
    }
  }
  if (below) process.exitCode = 1
} catch (err) {
  console.error(err?.stderr ? `${err.message}\n${err.stderr}` : err?.message ?? err)
  process.exitCode = 1
} finally {
  if (app) await app.stop()
}
