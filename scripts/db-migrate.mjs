// `npm run db:migrate`: applies drizzle/ to DATABASE_URL (Neon in production) or the local database.
import { applyMigrations } from './migrate.mjs'
import { DEV_DB, databaseUrl } from './local-db.mjs'

const url = process.env.DATABASE_URL ?? databaseUrl({ ...DEV_DB, port: DEV_DB.port })
try {
  await applyMigrations(url)
  console.log('db:migrate: done')
} catch (err) {
  console.error(`db:migrate: failed — ${err.message}${err.cause ? ` (${err.cause.message})` : ''}`)
  process.exit(1)
}
