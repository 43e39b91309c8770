// Applies drizzle/ migrations with drizzle-orm's migrator: unlike `drizzle-kit migrate`, it reports
// the failing SQL statement and the Postgres error.
import path from 'node:path'
import pg from 'pg'
import { drizzle } from 'drizzle-orm/node-postgres'
import { migrate } from 'drizzle-orm/node-postgres/migrator'

export async function applyMigrations(connectionString) {
  const client = new pg.Client({ connectionString })
  await client.connect()
  try {
    // Silence "already exists, skipping" notices from the migrator's own bookkeeping tables.
    client.on('notice', () => {})
    await migrate(drizzle(client), { migrationsFolder: path.resolve('drizzle') })
  } finally {
    await client.end()
  }
}
