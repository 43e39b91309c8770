// The metered-request bench (usage feature, docs/performance.md): a user with an API key in the bench
// database, so that the same run can compare GET /api/v1/ping (key checked, not metered) with
// GET /api/v1/usage (key checked, then one api_requests consumed on the account's UsageMeter).
import crypto from 'node:crypto'
import pg from 'pg'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'
const randomBase32 = (length) => Array.from(crypto.randomBytes(length), (b) => ALPHABET[b % 32]).join('')

/** `userId`: the key of an existing account (npm run load: the signed-in demo user), else a new bench user's. */
export async function createBenchApiKey(databaseUrl, { unlimitedFree = true, userId = null } = {}) {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    // The bench measures the meter's cost, not its refusals: the Free plan gets room for any run.
    if (unlimitedFree) await client.query("UPDATE plans SET api_requests_per_month = 2000000000 WHERE id = 'free'")
    const { rows: [user] } = userId ? { rows: [{ id: userId }] } : await client.query(
      "INSERT INTO users (email, name, password_hash, email_verified_at) VALUES ($1, 'Bench', 'not-a-password-hash', now()) RETURNING id",
      [`bench-${crypto.randomUUID()}@example.com`],
    )
    const prefix = randomBase32(8)
    const secret = randomBase32(32)
    const secretHash = crypto.createHash('sha256').update(secret).digest('hex')
    await client.query('INSERT INTO api_keys (user_id, name, prefix, secret_hash) VALUES ($1, $2, $3, $4)', [user.id, 'bench', prefix, secretHash])
    return { authorization: `Bearer qs_${prefix}_${secret}` }
  } finally {
    await client.end()
  }
}
