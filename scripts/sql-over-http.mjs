// Neon's SQL-over-HTTP protocol (what `neon()` and drizzle's neon-http send to https://api.<host>/sql),
// served locally on the bridge's port so the Worker can use the HTTP transport against a plain Postgres.
// Neon's own proxy needs Docker; this is the subset @neondatabase/serverless 1.x speaks:
//   POST /sql  {query, params}            -> {command, rowCount, rows, fields, rowAsArray}
//   POST /sql  {queries: [{query, params}]} -> {results: [...]}, all in one transaction (Neon-Batch-* headers)
// Rows go back as arrays of raw text (the driver parses types itself: Neon-Raw-Text-Output, Neon-Array-Mode).
// Failures answer as Neon's proxy renders them (proxy/src/serverless/sql_over_http.rs, ADR 0009): a Postgres
// error is a 400 with the error's fields; a response over 10 MiB a 507; a query still running at the
// timeout a 400 {message, code: '08P01'}; a wrong password a 400 with code ''; a database that cannot be
// reached a 500 with code ''. Dev and test only.
import pg from 'pg'

/** Neon's defaults: --sql-over-http-max-response-size-bytes and --sql-over-http-timeout (proxy/src/binary/proxy.rs). */
export const NEON_LIMITS = Object.freeze({ maxResponseBytes: 10 * 1024 * 1024, statementTimeoutMs: 15_000, maxRequestBytes: 10 * 1024 * 1024 })
// Test knobs, read from the connection string and removed before connecting: one request's limits change
// without touching the endpoint that other test files share.
const LIMIT_PARAMS = { qs_max_response_bytes: 'maxResponseBytes', qs_statement_timeout_ms: 'statementTimeoutMs' }

const RAW_TEXT = { getTypeParser: () => (value) => value }
const ISOLATION = { ReadUncommitted: 'read uncommitted', ReadCommitted: 'read committed', RepeatableRead: 'repeatable read', Serializable: 'serializable' }
const CANCELLED = { message: 'Query cancelled, connection was terminated', code: '08P01' }

class ResponseTooLarge extends Error {
  constructor(limit) { super(`response is too large (max is ${limit} bytes)`) }
}

/**
 * Neon's error object: every key always present, in the proxy's order; `code` and `severity` are '' and
 * the rest null when the error did not come from Postgres (then the driver's NeonDbError has code '').
 */
export function neonError(status, message, db) {
  const field = (k) => db?.[k] ?? null
  return {
    status,
    body: {
      message, code: db?.code ?? '', detail: field('detail'), hint: field('hint'), position: field('position'),
      internalPosition: field('internalPosition'), internalQuery: field('internalQuery'), severity: db?.severity ?? '',
      where: field('where'), table: field('table'), column: field('column'), schema: field('schema'),
      dataType: field('dataType'), constraint: field('constraint'), file: field('file'), line: field('line'), routine: field('routine'),
    },
  }
}

function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (c) => {
      size += c.length
      if (size > limit) { reject(Object.assign(new Error(`request is too large (max is ${limit} bytes)`), { status: 413 })); req.destroy() } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

const fieldsOf = (result) => result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID, tableID: f.tableID, columnID: f.columnID,
  dataTypeSize: f.dataTypeSize, dataTypeModifier: f.dataTypeModifier, format: 'text' }))

/**
 * One statement, its rows streamed: like the proxy, before each row the bytes already written for the whole
 * response (`out.size`) are compared with the limit, so a result stops at the row that finds it over.
 */
function run(client, { query, params }, out) {
  return new Promise((resolve, reject) => {
    const q = new pg.Query({ text: query, values: params ?? [], rowMode: 'array', types: RAW_TEXT })
    const rows = []
    let head = 0
    let stopped = false
    q.on('row', (row, result) => {
      if (stopped) return
      if (rows.length === 0) head = Buffer.byteLength(`{"fields":${JSON.stringify(fieldsOf(result))},"rows":[`)
      if (out.size + head > out.max) { stopped = true; return reject(new ResponseTooLarge(out.max)) }
      head += Buffer.byteLength(JSON.stringify(row)) + 1
      rows.push(row)
    })
    q.on('error', (err) => { if (!stopped) reject(err) })
    q.on('end', (results) => {
      if (stopped) return
      const last = Array.isArray(results) ? results[results.length - 1] : results
      const body = { fields: fieldsOf(last), rows, command: last.command, rowCount: last.rowCount, rowAsArray: true }
      out.size += Buffer.byteLength(JSON.stringify(body)) + 1
      resolve(body)
    })
    client.query(q)
  })
}

async function runBatch(client, headers, queries, out) {
  const isolation = ISOLATION[headers['neon-batch-isolation-level']] ?? 'read committed'
  const mode = `${headers['neon-batch-read-only'] === 'true' ? ' read only' : ''}${headers['neon-batch-deferrable'] === 'true' ? ' deferrable' : ''}`
  await client.query(`begin isolation level ${isolation}${mode}`)
  try {
    const results = []
    for (const q of queries) results.push(await run(client, q, out))
    await client.query('commit')
    return { results }
  } catch (err) {
    // A Postgres error leaves a usable connection: roll back. Anything else ends the connection (the caller
    // discards it), which rolls back too.
    if (err instanceof pg.DatabaseError) await client.query('rollback').catch(() => undefined)
    throw err
  }
}

// The proxy sends a CancelRequest and drops the connection (QueryData::process); here pg_cancel_backend
// from a connection of its own, so a full pool cannot delay it.
async function cancelBackend(connectionString, pid) {
  const canceller = new pg.Client({ connectionString })
  canceller.on('error', () => undefined)
  try {
    await canceller.connect()
    await canceller.query('select pg_cancel_backend($1)', [pid])
  } catch { /* the backend is gone anyway once its connection is discarded */ } finally {
    await canceller.end().catch(() => undefined)
  }
}

function connectFailure(err, url) {
  if (err instanceof pg.DatabaseError) {
    // Neon checks the password in the proxy (AuthError::PasswordFailed), for an unknown user too: no SQLSTATE.
    if (err.code?.startsWith('28')) return neonError(400, `password authentication failed for user '${decodeURIComponent(url.username)}'`)
    // A wrong database name is the user's error (400); Postgres refusing otherwise (53300, 57P03) a 500.
    return neonError(err.code === '3D000' ? 400 : 500, err.message, err)
  }
  return neonError(500, "Couldn't connect to compute node")
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const TIMED_OUT = Symbol('timed out')

/**
 * Returns `handle(req)` for POST /sql. `allowHost` keeps it to loopback databases (never a relay); one
 * pg.Pool per connection string, as Neon's endpoint pools its own connections. `maxResponseBytes` and
 * `statementTimeoutMs` default to Neon's.
 */
export function createSqlOverHttp({ allowHost, maxResponseBytes = NEON_LIMITS.maxResponseBytes, statementTimeoutMs = NEON_LIMITS.statementTimeoutMs }) {
  const pools = new Map()
  function poolFor(connectionString) {
    let pool = pools.get(connectionString)
    if (!pool) {
      pool = new pg.Pool({ connectionString, max: 20, idleTimeoutMillis: 30_000 })
      pool.on('error', () => { /* a dropped idle client; the next query reconnects */ })
      pools.set(connectionString, pool)
    }
    return pool
  }

  function limitsFrom(url) {
    const limits = { maxResponseBytes, statementTimeoutMs }
    for (const [param, key] of Object.entries(LIMIT_PARAMS)) {
      const value = Number(url.searchParams.get(param))
      if (url.searchParams.has(param) && Number.isFinite(value) && value >= 0) limits[key] = value
      url.searchParams.delete(param)
    }
    url.searchParams.delete('sslmode')
    return limits
  }

  async function execute(headers, payload) {
    const header = headers['neon-connection-string']
    if (!header) return neonError(400, 'invalid header: neon-connection-string')
    let url
    try { url = new URL(header) } catch (err) { return neonError(400, `invalid connection string: ${err.message}`) }
    if (!allowHost(url.hostname)) return { status: 403, body: { message: 'only loopback databases are served' } }
    const limits = limitsFrom(url)
    const connectionString = url.toString()
    let client
    try {
      client = await poolFor(connectionString).connect()
    } catch (err) {
      return connectFailure(err, url)
    }
    let discard = false
    // A connection cut while this request holds the client (Postgres stopping, a relay dropping it) is an
    // 'error' event on the client itself, outside any query: without a listener Node would crash the
    // process that hosts this endpoint. The query in flight rejects on its own; the client is discarded.
    const onClientError = () => { discard = true }
    client.on('error', onClientError)
    let timer
    const out = { size: Array.isArray(payload.queries) ? Buffer.byteLength('{"results":[') : 0, max: limits.maxResponseBytes }
    const work = Array.isArray(payload.queries) ? runBatch(client, headers, payload.queries, out) : run(client, payload, out)
    const timeout = new Promise((resolve) => { timer = setTimeout(resolve, limits.statementTimeoutMs, TIMED_OUT) })
    try {
      const result = await Promise.race([work, timeout])
      if (result !== TIMED_OUT) return { status: 200, body: result }
      discard = true
      const settled = work.catch(() => undefined)
      await cancelBackend(connectionString, client.processID)
      await Promise.race([settled, sleep(100)])
      // 400 although the proxy's error type says 500: handle() answers a cancellation with BAD_REQUEST.
      return { status: 400, body: CANCELLED }
    } catch (err) {
      if (err instanceof pg.DatabaseError) return neonError(400, err.message, err)
      discard = true
      if (err instanceof ResponseTooLarge) return neonError(507, err.message)
      // A failure with no Postgres error (connection lost mid-query): the proxy's SqlOverHttpError::Postgres, 400.
      return neonError(400, err.message)
    } finally {
      clearTimeout(timer)
      client.off('error', onClientError)
      client.release(discard)
    }
  }

  return {
    /** The answer to one request, as `{status, body}` (JSON) or `{status, text}`; written by the caller. */
    async handle(req) {
      let payload
      try {
        payload = JSON.parse(await readBody(req, NEON_LIMITS.maxRequestBytes))
      } catch (err) {
        return err.status ? neonError(err.status, err.message) : neonError(400, `could not parse the HTTP request body: ${err.message}`)
      }
      return execute(req.headers, payload)
    },
    async close() {
      await Promise.all([...pools.values()].map((p) => p.end().catch(() => undefined)))
      pools.clear()
    },
  }
}

export function writeSqlResult(res, out) {
  if (out.body !== undefined) res.writeHead(out.status, { 'content-type': 'application/json' }).end(JSON.stringify(out.body))
  else res.writeHead(out.status, { 'content-type': 'text/plain' }).end(out.text)
}
