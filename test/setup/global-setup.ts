import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
// @ts-expect-error plain .mjs helpers shared with `npm run dev`
import { freePort, startLocalDatabase } from '../../scripts/local-db.mjs'
// @ts-expect-error plain .mjs helpers shared with `npm run dev`
import { applyMigrations } from '../../scripts/migrate.mjs'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
    neonWsProxy: string
  }
}

// One throw-away Postgres per test run: real server, real migrations, same Neon driver and bridge
// as `npm run dev`. Free ports so that several runs (or a running `npm run dev`) never collide.
export default async function setup(project: TestProject) {
  const dataDir = path.join(os.tmpdir(), `qs-test-pg-${process.pid}-${Date.now()}`)
  const db = await startLocalDatabase({
    dataDir,
    port: await freePort(),
    bridgePort: await freePort(),
    database: 'quickscale_test',
    persistent: false,
    fast: true,
  })
  await applyMigrations(db.databaseUrl)
  project.provide('databaseUrl', db.databaseUrl)
  project.provide('neonWsProxy', db.wsProxy)
  return async () => {
    await db.stop()
  }
}
