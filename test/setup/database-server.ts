import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
// @ts-expect-error plain .mjs helpers shared with `npm run dev`
import { freePort, startLocalDatabase } from '../../scripts/local-db.mjs'
// @ts-expect-error plain .mjs helpers shared with `npm run dev`
import { applyMigrations } from '../../scripts/migrate.mjs'

/**
 * One embedded Postgres (and one ws bridge / SQL endpoint) for the whole test run, shared by every
 * project's global setup; each project still gets a database of its own on it. Starting a server costs
 * about two seconds and vitest runs the projects' global setups one after another, so a server per
 * project kept every run waiting ~10 s before its first test (issue 21: test time).
 *
 * Global setups run in vitest's main process, each project through its own module runner: the server
 * is kept on globalThis, with a count of the setups using it, and stops when the last one tears down.
 */
interface Server {
  adminUrl: string
  wsProxy: string
  stop: () => Promise<void>
}

interface Shared {
  server: Promise<Server>
  users: number
}

const KEY = Symbol.for('quickscale.test.database-server')
type WithShared = typeof globalThis & { [KEY]?: Shared }

async function startServer(): Promise<Server> {
  const db = await startLocalDatabase({
    dataDir: path.join(os.tmpdir(), `qs-test-pg-${process.pid}-${Date.now()}`),
    port: await freePort(),
    bridgePort: await freePort(),
    database: 'postgres',
    persistent: false,
    fast: true,
  })
  return { adminUrl: db.databaseUrl, wsProxy: db.wsProxy, stop: db.stop }
}

export interface TestDatabase {
  /** postgresql://… of this database. */
  databaseUrl: string
  /** The maintenance database (`postgres`) of the same server: tests create more databases from it. */
  adminUrl: string
  /** The ws bridge in front of the server (NEON_WS_PROXY); it reaches every database on it. */
  wsProxy: string
  /** Lets go of the server: the last user's release stops it. */
  release: () => Promise<void>
}

/** A new database on the run's shared server, migrated unless `migrated: false`. */
export async function createTestDatabase(name: string, options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const g = globalThis as WithShared
  const shared = (g[KEY] ??= { server: startServer(), users: 0 })
  shared.users++
  let released = false
  const release = async () => {
    if (released) return
    released = true
    if (--shared.users > 0) return
    delete g[KEY]
    await (await shared.server).stop()
  }
  try {
    const server = await shared.server
    const admin = new pg.Client({ connectionString: server.adminUrl })
    await admin.connect()
    try {
      await admin.query(`create database "${name}"`)
    } finally {
      await admin.end()
    }
    const databaseUrl = server.adminUrl.replace(/\/postgres$/, `/${name}`)
    if (options.migrated ?? true) await applyMigrations(databaseUrl)
    return { databaseUrl, adminUrl: server.adminUrl, wsProxy: server.wsProxy, release }
  } catch (err) {
    await release()
    throw err
  }
}
