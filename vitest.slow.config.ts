import { defineConfig } from 'vitest/config'

// `npm run test:slow`: the checks too slow for `npm test`'s five-minute budget, run by CI as a step of
// their own (.ci/run). Today one: a `quickscale init` project's whole `npm test` (issue 14).
export default defineConfig({
  test: {
    name: 'slow',
    environment: 'node',
    include: ['test/**/*.slow.test.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
})
