import type { Database } from '../platform/db'
import { hashPassword } from '../auth/password'
import { users, type Role } from '../auth/schema'
import { contactMessages } from '../pages/schema'

/**
 * Demo data for development (`quickscale db seed`, `npm run dev`). Idempotent: every row has a fixed key
 * and is inserted with ON CONFLICT DO NOTHING, so the second run changes nothing. It writes through the
 * app's own schema and password hashing (ADR 0020's argon2id parameters live only in src/auth/password.ts).
 * Production never runs it: the callers refuse a non-local database. Features add their steps to SEEDS.
 */
export interface SeedStep {
  name: string
  run: (db: Database) => Promise<string | void>
}

export const DEV_ACCOUNTS: Array<{ id: string; email: string; name: string; role: Role; password: string }> = [
  { id: '00000000-0000-4000-8000-00000000a001', email: 'admin@example.com', name: 'Admin (dev)', role: 'admin', password: 'quickscale-admin-dev' },
  { id: '00000000-0000-4000-8000-00000000a002', email: 'user@example.com', name: 'User (dev)', role: 'user', password: 'quickscale-user-dev' },
]

export const SEEDS: SeedStep[] = [
  {
    name: 'contact message',
    async run(db) {
      await db
        .insert(contactMessages)
        .values({
          id: '00000000-0000-4000-8000-000000000001',
          name: 'Ada Lovelace',
          email: 'ada@example.com',
          subject: 'Hello from the seed',
          message: 'This message was created by the seed (src/cli/seed.ts) so that the admin area has something to show.',
        })
        .onConflictDoNothing()
    },
  },
  {
    name: 'dev users',
    async run(db) {
      const now = new Date()
      for (const account of DEV_ACCOUNTS) {
        await db
          .insert(users)
          .values({ id: account.id, email: account.email, name: account.name, role: account.role, passwordHash: await hashPassword(account.password), emailVerifiedAt: now })
          .onConflictDoNothing()
      }
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
