import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'smol-toml'
import { defineConfig } from 'vitest/config'
import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { ProjectOrderSequencer } from './test/setup/project-order.ts'
import { buildPublicAssets } from './scripts/vendor-assets.mjs'

// What wrangler's [build] does before every `wrangler dev`: public/vendor/ and the content hashes the pages'
// asset URLs carry (src/platform/asset-versions.generated.json, ADR 0105), so the workerd tests see public/
// as the Worker would be built from it, also after an install without scripts. Quiet when all is current.
await buildPublicAssets()

// Every project but `browser` runs in one group, four files at a time (issue 21: test time). Most workerd
// files wait far more than they compute (queue redeliveries, Postgres, timers), so two slots left a core
// idle; the CLI's files are the opposite and share the group's first seconds with them.
const MAX_WORKERS = 4

// `workers` runs inside workerd (the real runtime, real R2/DO/Queue simulations) against a real
// Postgres, without RESEND_API_KEY (mail lands in the local outbox, as in `npm run dev`);
// `workers-resend` is the same with a key; `browser` drives Debian's Chromium against a real `wrangler dev`.
// wrangler.toml's [alias] (today: `zod` without its locales, src/platform/zod/), read from the file: the
// workerd projects resolve each import as the Worker bundle does (vite's aliases, like esbuild's, cover the
// name and its subpaths), so tests run the code the Worker ships, hand-written export list included. (The
// locales still load here: unbundled, zod's core index imports them; only esbuild's tree-shaking drops them.)
const wranglerAliases = (parse(fs.readFileSync('wrangler.toml', 'utf8')) as { alias?: Record<string, string> }).alias ?? {}
const WORKER_ALIASES = Object.fromEntries(Object.entries(wranglerAliases).map(([name, target]) => [name, path.resolve(target)]))

function workersProject(name: string, options: { include?: string[]; exclude?: string[]; bindings?: Record<string, string> }) {
  return {
    resolve: { alias: WORKER_ALIASES },
    plugins: [
      cloudflareTest(({ inject }) => ({
        main: './src/index.tsx',
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            ENVIRONMENT: 'test',
            APP_URL: 'http://localhost',
            DATABASE_URL: inject('databaseUrl'),
            NEON_WS_PROXY: inject('neonWsProxy'),
            // Whatever a developer's .dev.vars holds, tests choose the mail transport themselves.
            RESEND_API_KEY: '',
            // Billing talks to https://api.stripe.com, answered in tests at the fetch boundary (test/billing/stripe.ts).
            STRIPE_SECRET_KEY: 'sk_test_workers',
            STRIPE_WEBHOOK_SECRET: 'whsec_test_workers',
            STRIPE_API_BASE: '',
            // Sign-in with GitHub/Google goes to the OAuth stand-in's address, answered at the fetch boundary by
            // the stand-in's own handler (test/oauth/standin.ts); a test that does not fake it fails on the guard.
            GITHUB_CLIENT_ID: 'standin-github-client',
            GITHUB_CLIENT_SECRET: 'standin-github-secret',
            GOOGLE_CLIENT_ID: 'standin-google-client.apps.googleusercontent.com',
            GOOGLE_CLIENT_SECRET: 'standin-google-secret',
            OAUTH_STANDIN_URL: 'http://oauth-standin.test',
            ...options.bindings,
          },
        },
      })),
    ],
    test: {
      name,
      include: options.include ?? ['test/**/*.test.{ts,tsx}'],
      exclude: options.exclude ?? [],
      globalSetup: ['./test/setup/global-setup.ts'],
      // Hermetic: a fetch to any non-local host fails the test that made it.
      setupFiles: ['./test/setup/no-network.ts'],
      testTimeout: 20_000,
      maxWorkers: MAX_WORKERS,
      // Every file in one workerd, the Worker imported once (ADR 0082): per-file isolation costs ~5 s of
      // module loading per file. Files share the database anyway; the no-network guard and spies are reset.
      isolate: false,
    },
  }
}

export default defineConfig({
  test: {
    // The usual console report, plus a JSON summary that .ci/run turns into one closing line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    // vitest keeps every transformed module in node_modules/.vitest-cache for the next run. CI (.ci/run sets
    // CI=true) runs once on a fresh clean install, so the cache is never read there and writing it (130 MB)
    // cost the run's main process about 4 CPU-s, on the path to the first workerd tests (issue 21).
    fsModuleCache: process.env.CI !== 'true',
    // Console output (the Worker's JSON log lines, which vitest 5 forwards from workerd) only for failing
    // tests: a passing run's log stays readable in CI.
    silent: 'passed-only',
    // The browser project's files, two at a time: Chromium keeps both cores busy. The other projects
    // set MAX_WORKERS for themselves, in the order ProjectOrderSequencer gives them.
    maxWorkers: 2,
    sequence: { sequencer: ProjectOrderSequencer },
    // `npm run test:coverage` (scripts/coverage.mjs, docs/coverage.md): istanbul, the provider the Workers
    // pool supports (code is instrumented at transform time, so it counts inside workerd too). Off unless
    // --coverage is passed. Only type-only files are left out; everything else in src/ counts, loaded or not.
    coverage: {
      provider: 'istanbul',
      include: ['src/**/*.{ts,tsx}'],
      exclude: ['src/**/*.d.ts'], // declarations only (wasm module typing): no code to run
      reporter: ['text-summary', 'json', 'json-summary'],
      reportsDirectory: process.env.QS_COVERAGE_DIR ?? 'coverage',
      // A failing test fails the run anyway; the measurement is still worth having.
      reportOnFailure: true,
    },
    projects: [
      workersProject('workers', { exclude: ['test/e2e/**', 'test/email/resend/**', 'test/scripts/**', 'test/thumbnailer/**', 'test/cli/**', 'test/dev-server/**'] }),
      // The thumbnailer Worker (workers/thumbnailer/, ADR 0050) from its own config: its R2 bucket and queue
      // consumer are real miniflare bindings; a producer binding lets a test send through the real queue.
      // Only what needs this runtime (photon's wasm, the consumer) is here: each file gets a runner of its own,
      // a workerd runtime that loads photon (issue 21: four files cost 23 CPU-s, two 13). The pure readers of
      // src/files/ (image dimensions, EXIF orientation) are tested in test/files/, as the rest of that feature.
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            main: './workers/thumbnailer/index.ts',
            wrangler: { configPath: './workers/thumbnailer/wrangler.toml' },
            miniflare: {
              bindings: { ENVIRONMENT: 'test', DATABASE_URL: inject('databaseUrl'), NEON_WS_PROXY: inject('neonWsProxy') },
              queueProducers: { THUMBNAILS: { queueName: 'quickscale-thumbnails' } },
            },
          })),
        ],
        test: { name: 'thumbnailer', include: ['test/thumbnailer/**/*.test.ts'], globalSetup: ['./test/setup/global-setup.ts'], testTimeout: 60_000, maxWorkers: MAX_WORKERS, isolate: false },
      },
      // The same Worker with RESEND_API_KEY set: mail goes to Resend (intercepted at fetch) instead of
      // the local outbox. Only the tests of that path run here.
      workersProject('workers-resend', { include: ['test/email/resend/**/*.test.ts'], bindings: { RESEND_API_KEY: 're_test_key' } }),
      // The Node-side dev scripts (ws bridge, .dev.vars writer): plain Node, no workerd, no Postgres.
      { test: { name: 'scripts', environment: 'node', include: ['test/scripts/**/*.test.ts'], maxWorkers: MAX_WORKERS, isolate: false } },
      // `wrangler dev` run as a developer runs it, against a database of its own (the run's throw-away
      // Postgres, test/setup/global-setup.ts): plain Node driving processes, no browser, so it runs in this
      // group rather than beside Chromium (issue 21: test time).
      {
        test: {
          name: 'dev-server',
          environment: 'node',
          include: ['test/dev-server/**/*.test.ts'],
          globalSetup: ['./test/setup/global-setup.ts'],
          testTimeout: 240_000,
          hookTimeout: 60_000,
          maxWorkers: MAX_WORKERS,
          isolate: false,
        },
      },
      // The `quickscale` CLI run as a process (src/cli/, docs/cli.md), against its own throw-away Postgres.
      {
        test: {
          name: 'cli',
          environment: 'node',
          include: ['test/cli/**/*.test.ts'],
          // `npm run test:slow` (vitest.slow.config.ts): a new project's whole npm test.
          exclude: ['test/**/*.slow.test.ts'],
          globalSetup: ['./test/cli/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: MAX_WORKERS,
          // Files share their worker process, as in every project here (issue 21: test time; a process per
          // file cost ~0.5 s of CPU each, 49 a run): what a file changes in process.env it puts back.
          isolate: false,
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          // After every other project: on two cores the workers and cli runs (nested tsc, vitest) starved
          // `wrangler dev` long enough for a page load to pass Playwright's 30 s navigation limit. Two
          // files at a time among themselves (each has its own browser context and users; one wrangler dev).
          sequence: { groupOrder: 1 },
          // Files share their worker process (and so its one Chromium, test/e2e/browser.ts): every file
          // still gets its own browser context, users and pages.
          isolate: false,
          globalSetup: ['./test/e2e/global-setup.ts'],
          // `wrangler dev` starts in the background (global setup): each file waits for it to answer.
          setupFiles: ['./test/e2e/app-ready.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
})
