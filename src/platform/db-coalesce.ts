import type { HTTPQueryOptions, NeonQueryFunction, NeonQueryPromise } from '@neondatabase/serverless'

type Sql = NeonQueryFunction<false, false>
type Query = NeonQueryPromise<false, false, any>
interface Pending {
  query: Query
  resolve: (value: unknown) => void
  reject: (reason: unknown) => void
}

// A Postgres error answered by the SQL endpoint (HTTP 400) carries its SQLSTATE; a transport failure does not.
function isPostgresError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((err as { code: string }).code)
}

/**
 * Wraps `neon()` so that every query issued in the same turn of the event loop travels in ONE HTTP request
 * (Neon's batch: one round trip, run as one transaction). `Promise.all([a, b, c])` over independent queries,
 * or the dashboard running every card's `load` at once, costs one round trip instead of three, with no
 * change to the calling code (issue 8). A query awaited on its own still goes alone, with no extra wait
 * beyond one zero-delay timer.
 *
 * The batch is one transaction, so when one query fails the others roll back with it. Then, and only then,
 * each query runs again on its own — safe because nothing of the batch committed — so each caller gets its
 * own result or its own error, exactly as without batching.
 */
export function coalesceQueries(sql: Sql): Sql {
  let pending: Pending[] = []
  let scheduled = false

  function settleAlone(p: Pending) {
    p.query.then(p.resolve, p.reject)
  }

  async function flush() {
    const batch = pending
    pending = []
    scheduled = false
    if (batch.length === 1) return settleAlone(batch[0]!)
    try {
      const results = await sql.transaction(batch.map((p) => p.query))
      batch.forEach((p, i) => p.resolve(results[i]))
    } catch (err) {
      if (isPostgresError(err)) batch.forEach(settleAlone)
      else batch.forEach((p) => p.reject(err))
    }
  }

  // Drizzle's neon-http session calls `client.query(text, params, options)`; the NeonQueryPromise it gets
  // back is lazy (runs on `then`), so a batch can take its text and options without running it.
  const query = (text: string, params?: unknown[], options?: HTTPQueryOptions<boolean, boolean>) =>
    new Promise<unknown>((resolve, reject) => {
      pending.push({ query: sql.query(text, params, options as HTTPQueryOptions<false, false>) as Query, resolve, reject })
      if (!scheduled) {
        scheduled = true
        setTimeout(flush, 0)
      }
    })

  const client = ((strings: TemplateStringsArray, ...values: unknown[]) => sql(strings, ...values)) as Sql
  return Object.assign(client, sql, { query: query as unknown as Sql['query'], transaction: sql.transaction })
}
