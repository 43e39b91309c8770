import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import type { Database } from '../platform/db'
import { CliError, EXIT, describeError } from './errors'
import { isLocalDatabaseUrl, redactUrl } from './db-url'

export { isLocalDatabaseUrl, redactUrl, requireDatabaseUrl } from './db-url'

/**
 * The CLI talks to Postgres over TCP with `pg` (Neon accepts it too), not through the Worker's WebSocket
 * driver: a terminal is not a Worker, and this needs no bridge. Both are drizzle Postgres databases with
 * the same query API, so the app's services take this handle as their `Database` (the one cast below).
 */
export interface CliDb {
  db: Database
  client: pg.Client
  close: () => Promise<void>
}

export async function openDatabase(url: string, { timeoutMs = 5_000 } = {}): Promise<CliDb> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs })
  // Notices ("relation already exists, skipping") are the migrator's bookkeeping, not news.
  client.on('notice', () => {})
  client.on('error', () => {})
  try {
    await client.connect()
  } catch (err) {
    await client.end().catch(() => undefined)
    throw new CliError(
      `Cannot reach the database at ${redactUrl(url)}: ${describeError(err)}.`,
      isLocalDatabaseUrl(url)
        ? 'Start the local database with `npm run db:start` (or `npm run dev`), then try again.'
        : 'Check DATABASE_URL (host, port, password) and that the database accepts connections from this machine.',
      EXIT.database,
      { cause: err },
    )
  }
  return {
    db: drizzle({ client, casing: 'snake_case' }) as unknown as Database,
    client,
    close: () => client.end().catch(() => undefined),
  }
}

export async function withDatabase<T>(url: string, run: (handle: CliDb) => Promise<T>): Promise<T> {
  const handle = await openDatabase(url)
  try {
    return await run(handle)
  } finally {
    await handle.close()
  }
}

export interface MigrationStatus {
  applied: string[]
  pending: string[]
}

/** Compares drizzle/ with drizzle's own bookkeeping table, the way its migrator decides what to run. */
export async function readMigrationStatus(client: pg.Client, root: string): Promise<MigrationStatus> {
  const folder = path.join(root, 'drizzle')
  const files = readMigrationFiles({ migrationsFolder: folder })
  const tags = readJournalTags(folder)
  const exists = await client.query(`select to_regclass('drizzle.__drizzle_migrations') as t`)
  let lastApplied = -1
  if (exists.rows[0]?.t) {
    const last = await client.query('select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1')
    if (last.rows[0]) lastApplied = Number(last.rows[0].created_at)
  }
  const applied: string[] = []
  const pending: string[] = []
  files.forEach((m, i) => (m.folderMillis <= lastApplied ? applied : pending).push(tags[i] ?? String(m.folderMillis)))
  return { applied, pending }
}

// readMigrationFiles has already validated the journal; this only recovers the readable names.
function readJournalTags(folder: string): string[] {
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> }
  return journal.entries.map((e) => e.tag)
}

export async function applyMigrations(client: pg.Client, root: string): Promise<void> {
  try {
    await migrate(drizzle(client), { migrationsFolder: path.join(root, 'drizzle') })
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause
    throw new CliError(
      `A migration failed: ${describeError(err)}${cause ? ` (${describeError(cause)})` : ''}.`,
      'Fix the SQL named above in drizzle/ (a new migration, never an edit of a committed one), then run `npx quickscale db migrate` again.',
      EXIT.database,
      { cause: err },
    )
  }
}
