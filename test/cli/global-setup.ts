import type { TestProject } from 'vitest/node'
import { createTestDatabase } from '../setup/database-server'

declare module 'vitest' {
  export interface ProvidedContext {
    /** A maintenance connection (database `postgres`): tests create their own databases from it. */
    cliAdminUrl: string
  }
}

// The run's throw-away Postgres (test/setup/database-server.ts). Each CLI test creates the database it needs
// (migrated, half migrated, empty) so the CLI's own `db migrate` is what migrates it.
export default async function setup(project: TestProject) {
  const db = await createTestDatabase('quickscale_cli', { migrated: false })
  project.provide('cliAdminUrl', db.adminUrl)
  return db.release
}
