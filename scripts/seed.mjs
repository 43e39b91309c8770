// Demo data for development. Idempotent: every row has a fixed key and is inserted with
// ON CONFLICT DO NOTHING, so running it on every `npm run dev` changes nothing the second time.
// Features add their own seed steps to SEEDS (production never runs this file).
import pg from 'pg'
import initArgon2 from '@phi-ag/argon2/node'

const SEEDS = [
  {
    name: 'contact message',
    async run(client) {
      await client.query(
        `insert into contact_messages (id, name, email, subject, message, created_at)
         values ($1, $2, $3, $4, $5, now()) on conflict (id) do nothing`,
        ['00000000-0000-4000-8000-000000000001', 'Ada Lovelace', 'ada@example.com', 'Hello from the seed',
          'This message was created by scripts/seed.mjs so that the admin area has something to show.'],
      )
    },
  },
  {
    // Auth (src/auth): one admin and one user, verified, development only. Same argon2id parameters and
    // PHC format as src/auth/password.ts (ASCII passwords hash identically with the package's wrapper).
    name: 'dev users',
    async run(client) {
      const argon2 = await initArgon2()
      const accounts = [
        ['00000000-0000-4000-8000-00000000a001', 'admin@example.com', 'Admin (dev)', 'admin', 'quickscale-admin-dev'],
        ['00000000-0000-4000-8000-00000000a002', 'user@example.com', 'User (dev)', 'user', 'quickscale-user-dev'],
      ]
      for (const [id, email, name, role, password] of accounts) {
        const { encoded } = argon2.hash(password, { memoryCost: 19456, timeCost: 2, parallelism: 1, hashLength: 32 })
        await client.query(
          `insert into users (id, email, name, password_hash, role, email_verified_at)
           values ($1, $2, $3, $4, $5, now()) on conflict do nothing`,
          [id, email, name, encoded, role],
        )
      }
      return `dev users: ${accounts.map(([, email, , role, password]) => `${role} ${email} / ${password}`).join(' · ')}`
    },
  },
]

export async function seedDatabase(connectionString, { log = console.log } = {}) {
  const client = new pg.Client({ connectionString })
  await client.connect()
  const notes = []
  try {
    for (const seed of SEEDS) {
      const note = await seed.run(client)
      if (note) notes.push(note)
    }
  } finally {
    await client.end()
  }
  log(`seed: ${SEEDS.length} steps applied`)
  return notes
}
