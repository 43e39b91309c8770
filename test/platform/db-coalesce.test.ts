import { afterEach, describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import { sql } from 'drizzle-orm'
import { createDb, type Database } from '../../src/platform/db'
import { shouldReplayAlone } from '../../src/platform/db-coalesce'
import { countDatabaseRoundTrips } from '../helpers/round-trips'

// src/platform/db-coalesce.ts against the local SQL endpoint answering as Neon does (ADR 0009): a failed
// batch is replayed query by query only after a statement-level Postgres error; after a cancellation,
// a resource limit or a non-Postgres error each caller gets that one error and no query runs twice.
let counter: ReturnType<typeof countDatabaseRoundTrips> | null = null
afterEach(() => {
  counter?.restore()
  counter = null
})

/** A database whose endpoint limits are changed for these requests only (test knobs in the connection string). */
async function withLimits<T>(limits: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const handle = createDb({ ...env, DATABASE_URL: `${env.DATABASE_URL}?${limits}` })
  try {
    return await fn(handle.db)
  } finally {
    await handle.close()
  }
}

/** Every query the endpoint received, over all requests (a batch carries several). */
function queriesSent(bodies: string[]): string[] {
  return bodies.flatMap((b) => {
    const parsed = JSON.parse(b) as { query?: string; queries?: { query: string }[] }
    return parsed.queries ? parsed.queries.map((q) => q.query) : [parsed.query!]
  })
}

const causeOf = (r: PromiseSettledResult<unknown>) => {
  const reason = (r as PromiseRejectedResult).reason
  return reason?.cause ?? reason
}

describe('which failed batches are replayed query by query', () => {
  it.each([
    ['23505', true], ['22012', true], ['42P01', true], ['40001', true], ['P0001', true], ['0A000', true],
    ['08P01', false], ['28P01', false], ['53300', false], ['54001', false], ['55P03', false], ['57014', false],
    ['58030', false], ['XX000', false], ['3D000', false], ['', false], [undefined, false],
  ])('SQLSTATE %j → replay %s', (code, replay) => {
    expect(shouldReplayAlone(Object.assign(new Error('x'), { code }))).toBe(replay)
  })
})

describe('a failed batch against the endpoint', () => {
  it('a cancelled batch (statement timeout, 08P01): every caller gets the error once, nothing runs twice', async () => {
    const count = (counter = countDatabaseRoundTrips())
    await count.measure(() => withLimits('qs_statement_timeout_ms=300', async (db) => {
      const results = await Promise.allSettled([db.execute(sql`select 1 as quick`), db.execute(sql`select pg_sleep(3)`)])
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
      for (const r of results) expect(causeOf(r)).toMatchObject({ code: '08P01', message: 'Query cancelled, connection was terminated' })
      expect(count.http).toHaveLength(1)
      expect(queriesSent(count.http)).toHaveLength(2)
    }))
  })

  it('a batch over the response limit (507): one request, each caller gets the error, no replay', async () => {
    const count = (counter = countDatabaseRoundTrips())
    await count.measure(() => withLimits('qs_max_response_bytes=256', async (db) => {
      const results = await Promise.allSettled([
        db.execute(sql`select 1 as small`),
        db.execute(sql`select repeat('x', 200) as big from generate_series(1, 3)`),
      ])
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
      for (const r of results) expect(String(causeOf(r).message)).toMatch(/^Server error \(HTTP status 507\)/)
      expect(count.http).toHaveLength(1)
    }))
  })

  it('a statement-level Postgres error (22012): replayed one by one, the innocent query still answers', async () => {
    const count = (counter = countDatabaseRoundTrips())
    await count.measure(() => withLimits('qs_statement_timeout_ms=15000', async (db) => {
      const [bad, good] = await Promise.allSettled([db.execute(sql`select 1/0`), db.execute(sql`select 7 as n`)])
      expect(causeOf(bad)).toMatchObject({ code: '22012' })
      expect(good.status === 'fulfilled' && good.value.rows).toEqual([{ n: 7 }])
      expect(count.http).toHaveLength(3) // the batch, then each query alone
    }))
  })
})
