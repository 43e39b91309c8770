import type { HTTPQueryOptions, NeonQueryFunction, NeonQueryPromise } from '@neondatabase/serverless'

type Sql = NeonQueryFunction<false, false>
type Query = NeonQueryPromise<false, false, any>
interface Pending {
  query: Query
  resolve: (value: unknown) => void
  reject: (reason: unknown) => void
}

// SQLSTATE classes (PostgreSQL, Appendix A) of errors raised by one statement's SQL or data: the batch's
// transaction rolled back because of that statement, and the others, run alone, answer as without
// batching. 0A feature not supported, 2x data/cardinality/constraint/transaction-state/routine errors,
// 3x cursor/external routine/savepoint/schema name, 40 rollback (serialization failure, deadlock: run alone
// it is a retry, nothing having committed), 42 syntax or access, 44 check option, P0 PL/pgSQL raise.
// Never replayed (ADR 0009): 08 connection — Neon's 08P01 is a cancelled query, the connection dropped —,
// 28 authorization, 3D unknown database, 53 insufficient resources, 54 program limits, 55 lock not
// available, 57 operator intervention (57014: statement timeout), 58 system, XX internal, F0/HV, and any
// error without a SQLSTATE: code '' (a 400 that Neon's proxy raised itself: wrong password, bad request)
// or none (any other status — 507 response too large, 500 compute unreachable — or no answer at all).
// Replaying those would run every query again into the same wall, or run twice what may have run once.
const STATEMENT_CLASSES = new Set(['0A', '20', '21', '22', '23', '24', '25', '26', '27', '2B', '2D', '2F', '34', '38', '39', '3B', '3F', '40', '42', '44', 'P0'])

/** True when a failed batch may be re-run query by query: a statement-level Postgres error rolled it back. */
export function shouldReplayAlone(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && STATEMENT_CLASSES.has(code.slice(0, 2))
}

/**
 * A query stopped by a Neon limit (ADR 0009), found on the error or its `cause` chain (drizzle wraps the
 * driver's NeonDbError): 'timeout' — the proxy cancelled it (08P01) or Postgres' statement_timeout did
 * (57014) —, 'too-large' — more than the endpoint's response limit (HTTP 507) —, or null.
 */
export function databaseLimitOf(err: unknown): 'timeout' | 'too-large' | null {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown }
    if (code === '08P01' || code === '57014') return 'timeout'
    if (typeof message === 'string' && message.startsWith('Server error (HTTP status 507)')) return 'too-large'
  }
  return null
}

// Postgres refusing connections for now (class 08 other than Neon's 08P01 cancel; 57P01-57P03 shutting
// down or starting up; 53300 too many connections), and what the driver says when the database is not
// there at all: the SQL endpoint unreachable, a 5xx from it other than 507 (Neon's proxy answers 500
// "Couldn't connect to compute node" while Postgres is down), or a WebSocket connection that never opens
// or drops (pg's messages; after a drop mid-transaction drizzle's failed rollback carries the second). All
// pass with time, so a page answers 503 and asks to try again (docs/operations.md).
const UNAVAILABLE_CODES = /^(08(?!P01)|57P0[123]$|53300$)/
const UNAVAILABLE_MESSAGES = /^(Error connecting to database|Server error \(HTTP status 5(?!07)\d\d\)|Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/

/** True when the database could not be reached or refused the connection (on the error or its `cause` chain). */
export function isDatabaseUnavailable(err: unknown): boolean {
  // The WebSocket to the database did not open: workerd rejects with its ErrorEvent, not an Error.
  if (typeof ErrorEvent === 'function' && err instanceof ErrorEvent) return true
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown }
    if (typeof code === 'string' && UNAVAILABLE_CODES.test(code)) return true
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message)) return true
  }
  return false
}

/**
 * Wraps `neon()` so that every query issued in the same turn of the event loop travels in ONE HTTP request
 * (Neon's batch: one round trip, run as one transaction). `Promise.all([a, b, c])` over independent queries,
 * or the dashboard running every card's `load` at once, costs one round trip instead of three, with no
 * change to the calling code (issue 8). A query awaited on its own still goes alone, with no extra wait
 * beyond one zero-delay timer.
 *
 * The batch is one transaction, so when one query fails the others roll back with it. After a statement-level
 * Postgres error, and only then, each query runs again on its own — safe because nothing of the batch
 * committed — so each caller gets its own result or its own error, exactly as without batching. After any
 * other failure (cancelled, too large, unreachable) every caller gets that error once (`shouldReplayAlone`).
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
      if (shouldReplayAlone(err)) batch.forEach(settleAlone)
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
