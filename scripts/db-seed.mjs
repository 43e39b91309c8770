// `npm run db:seed`: demo data into the local database (refuses anything that is not loopback).
import { seedDatabase } from './seed.mjs'
import { DEV_DB, databaseUrl } from './local-db.mjs'

const url = process.env.DATABASE_URL ?? databaseUrl(DEV_DB)
if (!/@(127\.0\.0\.1|localhost)[:/]/.test(url)) {
  console.error('db:seed: refusing to seed a non-local database (demo users would exist in production)')
  process.exit(1)
}
const notes = await seedDatabase(url)
for (const note of notes) console.log(`db:seed: ${note}`)
