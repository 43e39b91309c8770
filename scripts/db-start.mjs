// `npm run db:start`: only the local database (embedded Postgres + ws bridge), migrated and seeded,
// so that a plain `wrangler dev` (or a debugger) can run against it. Ctrl-C stops it.
import { startLocalDatabase } from './local-db.mjs'
import { applyMigrations } from './migrate.mjs'
import { seedDatabase } from './seed.mjs'
import { writeDevVars } from './dev-vars.mjs'

const db = await startLocalDatabase()
await applyMigrations(db.databaseUrl)
const notes = await seedDatabase(db.databaseUrl)
writeDevVars({ ENVIRONMENT: 'development', APP_URL: 'http://127.0.0.1:8787', DATABASE_URL: db.databaseUrl, NEON_WS_PROXY: db.wsProxy })
writeDevVars({ ENVIRONMENT: 'development', DATABASE_URL: db.databaseUrl, NEON_WS_PROXY: db.wsProxy }, 'workers/thumbnailer/.dev.vars')
for (const note of notes) console.log(`db: ${note}`)
if (db.rttMs > 0) console.log(`db: simulating ${db.rttMs} ms round trip between the Worker and the database (QS_DB_RTT_MS)`)
console.log(`db: Postgres ready at ${db.databaseUrl.replace(/:[^:@]+@/, ':***@')}, bridge at ws://${db.wsProxy}`)
console.log('db: .dev.vars written — run `npx wrangler dev -c wrangler.toml -c workers/thumbnailer/wrangler.toml` in another terminal. Ctrl-C stops the database.')
const stop = async () => { await db.stop(); process.exit(0) }
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
