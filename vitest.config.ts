import { defineConfig } from 'vitest/config'
import { cloudflareTest } from '@cloudflare/vitest-pool-workers'

// Two projects: `workers` runs inside workerd (the real runtime, real R2/DO/Queue simulations) against
// a real Postgres; `browser` drives Debian's Chromium against a real `wrangler dev`.
export default defineConfig({
  test: {
    projects: [
      {
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
              },
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/e2e/**'],
          globalSetup: ['./test/setup/global-setup.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['./test/e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
