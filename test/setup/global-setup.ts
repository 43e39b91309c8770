import type { TestProject } from 'vitest/node'
import { startDatabaseOutage } from './database-outage'
import { createTestDatabase } from './database-server'
import { ignoreLateRunnerMessages } from './pool-teardown-race'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
    neonWsProxy: string
    /** A relay to the same database that a test can stop and start (test/setup/database-outage.ts). */
    databaseOutage: { databaseUrl: string; control: string }
  }
}

// A throw-away database per project (workers, workers-resend, thumbnailer) on the run's one Postgres
// (./database-server.ts, on free ports): real server, real migrations, same Neon driver and bridge as
// `npm run dev`.
export default async function setup(project: TestProject) {
  ignoreLateRunnerMessages()
  const db = await createTestDatabase(`quickscale_${project.name.replace(/\W/g, '_')}`)
  project.provide('databaseUrl', db.databaseUrl)
  project.provide('neonWsProxy', db.wsProxy)
  const outage = await startDatabaseOutage(db.databaseUrl).catch(async (err: unknown) => {
    await db.release()
    throw err
  })
  project.provide('databaseOutage', { databaseUrl: outage.databaseUrl, control: outage.control })
  return async () => {
    await outage.close()
    await db.release()
  }
}
