import type { Database } from '../platform/db'
import { seedDevAccounts, type DevAccount } from '../auth'
import { seedDemoContactMessage } from '../pages'

/**
 * Demo data for development (`quickscale db seed`, `npm run dev`). Idempotent: every row has a fixed key
 * and existing rows are left alone, so the second run changes nothing. Each step is the owning feature's
 * own function (auth hashes with ADR 0020's parameters, which live only in src/auth/password.ts).
 * Production never runs it: the callers refuse a non-local database. Features add their steps to SEEDS.
 */
export interface SeedStep {
  name: string
  run: (db: Database) => Promise<string | void>
}

export const DEV_ACCOUNTS: DevAccount[] = [
  { id: '00000000-0000-4000-8000-00000000a001', email: 'admin@example.com', name: 'Admin (dev)', role: 'admin', password: 'quickscale-admin-dev' },
  { id: '00000000-0000-4000-8000-00000000a002', email: 'user@example.com', name: 'User (dev)', role: 'user', password: 'quickscale-user-dev' },
]

export const SEEDS: SeedStep[] = [
  { name: 'contact message', run: (db) => seedDemoContactMessage(db) },
  {
    name: 'dev users',
    async run(db) {
      await seedDevAccounts(db, DEV_ACCOUNTS)
      return `dev users: ${DEV_ACCOUNTS.map((a) => `${a.role} ${a.email} / ${a.password}`).join(' · ')}`
    },
  },
]

export async function runSeeds(db: Database, steps: SeedStep[] = SEEDS): Promise<string[]> {
  const notes: string[] = []
  for (const step of steps) {
    const note = await step.run(db)
    if (note) notes.push(note)
  }
  return notes
}
