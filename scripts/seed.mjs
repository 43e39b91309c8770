// Demo data for development. Idempotent: every row has a fixed key and is inserted with
// ON CONFLICT DO NOTHING, so running it on every `npm run dev` changes nothing the second time.
// Features add their own seed steps to SEEDS (production never runs this file).
import pg from 'pg'

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
