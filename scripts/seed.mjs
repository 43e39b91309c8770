// Demo data for development, for `npm run dev` / `npm run db:start` / `npm run db:seed`. The steps live in
// src/cli/seed.ts (shared with `quickscale db seed`) so they use the app's schema and password hashing;
// this file only loads them into plain Node (bin/node-hooks.mjs: tsx + .wasm imports).
import { registerNodeHooks } from '../bin/node-hooks.mjs'

export async function seedDatabase(connectionString, { log = console.log } = {}) {
  registerNodeHooks()
  const { openDatabase } = await import('../src/cli/db.ts')
  const { runSeeds, SEEDS } = await import('../src/cli/seed.ts')
  const handle = await openDatabase(connectionString)
  try {
    const notes = await runSeeds(handle.db)
    log(`seed: ${SEEDS.length} steps applied`)
    return notes
  } finally {
    await handle.close()
  }
}
