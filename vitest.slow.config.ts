import { defineConfig } from 'vitest/config'

// `npm run test:slow`: the checks too slow for `npm test`'s budget, run by CI as a step of their own
// (.ci/run): a `quickscale init` project's whole `npm test` (issue 14), and the CLI's end-to-end runs of
// `quickscale deploy`, `stripe setup` and `smoke:stripe` against the stand-ins (issue 18: about 2.5 minutes,
// each run spawning the CLI and migrating a database). They share the cli project's Postgres (globalSetup).
export default defineConfig({
  test: {
    name: 'slow',
    environment: 'node',
    include: ['test/**/*.slow.test.ts'],
    globalSetup: ['./test/cli/global-setup.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
})
