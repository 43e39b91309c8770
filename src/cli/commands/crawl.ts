import path from 'node:path'
import { InvalidArgumentError, type Command } from 'commander'
import { CliError, EXIT } from '../errors'
import { printLine } from '../output'
import { findProjectRoot, readDotenv } from '../project'

// The dev seed's accounts (src/cli/seed.ts): `--as admin` or `--as user` on a local setup needs nothing else.
const SEEDED = {
  admin: { email: 'admin@example.com', password: 'quickscale-admin-dev' },
  user: { email: 'user@example.com', password: 'quickscale-user-dev' },
} as const

function parsePositive(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of pages, at least 1.')
  return n
}

export function registerCrawl(program: Command): void {
  program
    .command('crawl')
    .description('sign in and visit every reachable page: non-200s, broken links and assets, console errors, missing titles')
    .option('--url <url>', 'where the app runs (default: APP_URL from .dev.vars, else http://127.0.0.1:8787)')
    .option('--as <who>', 'admin, user (the dev seed\'s accounts) or visitor', 'admin')
    .option('--email <email>', 'sign in as this account instead (password from QUICKSCALE_PASSWORD)')
    .option('--max-pages <n>', 'stop after this many pages', parsePositive, 200)
    .addHelpText('after', '\nExit code 0 when no page has a problem, 1 otherwise.\n\nExamples:\n  npm run dev   # in another terminal\n  npx quickscale crawl\n  npx quickscale crawl --as visitor\n  QUICKSCALE_PASSWORD=… npx quickscale crawl --url https://staging.example.com --email ops@example.com')
    .action(async (opts: { url?: string; as: string; email?: string; maxPages: number }) => {
      if (!['admin', 'user', 'visitor'].includes(opts.as)) throw new CliError(`--as ${opts.as} is not admin, user or visitor.`, 'Use --as admin, --as user or --as visitor.', EXIT.usage)
      let baseUrl = opts.url
      if (!baseUrl) {
        const root = findProjectRoot()
        baseUrl = readDotenv(path.join(root, '.dev.vars'))?.APP_URL || 'http://127.0.0.1:8787'
      }
      if (!/^https?:\/\//.test(baseUrl)) throw new CliError(`--url ${baseUrl} is not an http(s) address.`, 'Pass --url http://127.0.0.1:8787 (or your site).', EXIT.usage)
      let credentials: { email: string; password: string } | undefined
      if (opts.email) {
        const password = process.env.QUICKSCALE_PASSWORD
        if (!password) throw new CliError('--email needs a password, and QUICKSCALE_PASSWORD is not set.', 'Export QUICKSCALE_PASSWORD=… for this command (it is never taken on the command line, where ps shows it).', EXIT.usage)
        credentials = { email: opts.email, password }
      } else if (opts.as !== 'visitor') credentials = SEEDED[opts.as as 'admin' | 'user']
      try {
        await fetch(baseUrl, { signal: AbortSignal.timeout(10_000), redirect: 'manual' })
      } catch {
        throw new CliError(`Nothing answers at ${baseUrl}.`, 'Start the app with `npm run dev` (or pass --url where it runs).', EXIT.service)
      }
      printLine(`Crawling ${baseUrl} as ${credentials?.email ?? 'a visitor'}`)
      const { crawlSite } = await import('../crawl')
      const report = await crawlSite({ baseUrl, credentials, maxPages: opts.maxPages, chromiumPath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', log: printLine })
      printLine(`${report.pages.length} pages visited.`)
      if (report.problems.length > 0) {
        for (const p of report.problems) printLine(`  ✖ ${p.page}: ${p.problem}`)
        throw new CliError(`${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} found.`, 'Fix each page listed above, then run `npx quickscale crawl` again.', EXIT.failed)
      }
      printLine('✔ no problems found')
    })
}
