import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
// @ts-expect-error plain .mjs helpers shared with `npm run dev`
import { freePort, startLocalDatabase } from '../../scripts/local-db.mjs'
// @ts-expect-error plain .mjs helpers shared with `npm run dev`
import { applyMigrations } from '../../scripts/migrate.mjs'
import { startDatabaseOutage } from './database-outage'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
    neonWsProxy: string
    /** A relay to the same database that a test can stop and start (test/setup/database-outage.ts). */
    databaseOutage: { databaseUrl: string; control: string }
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
  const outage = await startDatabaseOutage(db.databaseUrl)
  project.provide('databaseOutage', { databaseUrl: outage.databaseUrl, control: outage.control })
  return async () => {
    await outage.close()
    await db.stop()
  }
}
