// Per-page database cost for `npm run bench`: a signed-in bench user, the round trips each page makes
// (counted by the local bridge, scripts/ws-bridge.mjs) and its latency at a simulated distance.
import crypto from 'node:crypto'
import autocannon from 'autocannon'
import pg from 'pg'

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567'
const randomBase32 = (n) => Array.from(crypto.randomBytes(n), (b) => BASE32[b % 32]).join('')

/**
 * A verified user with one live session, written straight into the database (the bench measures pages,
 * not the login). Returns the Cookie header value the production build reads (`__Host-session`).
 */
export async function createBenchSession(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows: [user] } = await client.query(
      `insert into users (email, name, password_hash, email_verified_at) values ($1, 'Bench User', 'not-a-hash', now()) returning id`,
      [`bench-${crypto.randomUUID()}@example.com`],
    )
    const id = randomBase32(24)
    const secret = randomBase32(32)
    const secretHash = crypto.createHash('sha256').update(secret).digest('hex')
    await client.query(
      `insert into sessions (id, secret_hash, user_id, expires_at) values ($1, $2, $3, now() + interval '7 days')`,
      [id, secretHash, user.id],
    )
    return `__Host-session=${id}.${secret}`
  } finally {
    await client.end()
  }
}

/**
 * Round trips of one request, after two warm-up requests (so connection reuse is what a busy Worker
 * sees). The bridge counts TCP handshakes, HTTP queries, WebSocket upgrades and Postgres message flights.
 */
export async function countRoundTrips(db, url, headers) {
  for (let i = 0; i < 2; i++) await (await fetch(url, { headers, redirect: 'manual' })).arrayBuffer()
  db.resetStats()
  const res = await fetch(url, { headers, redirect: 'manual' })
  await res.arrayBuffer()
  const stats = db.stats()
  return { status: res.status, ...stats }
}

/** p50/p99 of `amount` requests one after another (one connection): latency, not throughput. */
export function measureLatency(url, headers, amount) {
  return new Promise((resolve, reject) => {
    autocannon({ url, headers, connections: 1, amount }, (err, r) => {
      if (err) return reject(err)
      resolve({ p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts })
    })
  })
}
