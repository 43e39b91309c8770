import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
// @ts-expect-error plain .mjs helpers shared with `npm run dev`
import { freePort, startLocalDatabase } from '../../scripts/local-db.mjs'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A maintenance connection (database `postgres`): tests create their own databases from it. */
    cliAdminUrl: string
  }
}

// One throw-away Postgres for the CLI tests. Each test creates the database it needs (migrated, half
// migrated, empty) so the CLI's own `db migrate` is what migrates it.
export default async function setup(project: TestProject) {
  const db = await startLocalDatabase({
    dataDir: path.join(os.tmpdir(), `qs-cli-pg-${process.pid}-${Date.now()}`),
    port: await freePort(),
    bridgePort: await freePort(),
    database: 'quickscale_cli',
    persistent: false,
    fast: true,
  })
  project.provide('cliAdminUrl', db.databaseUrl.replace(/\/quickscale_cli$/, '/postgres'))
  return async () => {
    await db.stop()
  }
}
