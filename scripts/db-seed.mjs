// `npm run db:seed`: demo data into the embedded dev database; a DATABASE_URL only with --seed or
// QS_SEED=1, and never one off loopback (scripts/seed-policy.mjs).
import { seedDatabase } from './seed.mjs'
import { decideSeed } from './seed-policy.mjs'
import { DEV_DB, databaseUrl } from './local-db.mjs'

const url = process.env.DATABASE_URL ?? databaseUrl(DEV_DB)
const decision = decideSeed({ startedEmbedded: process.env.DATABASE_URL === undefined, databaseUrl: url })
if (!decision.seed) {
  console.error(`db:seed: refusing: ${decision.note}`)
  process.exit(1)
}
const notes = await seedDatabase(url)
for (const note of notes) console.log(`db:seed: ${note}`)
