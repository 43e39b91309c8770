// Neon's SQL-over-HTTP protocol (what `neon()` and drizzle's neon-http send to https://api.<host>/sql),
// served locally on the bridge's port so the Worker can use the HTTP transport against a plain Postgres.
// Neon's own proxy needs Docker; this is the subset @neondatabase/serverless 1.x speaks:
//   POST /sql  {query, params}            -> {command, rowCount, rows, fields, rowAsArray}
//   POST /sql  {queries: [{query, params}]} -> {results: [...]}, all in one transaction (Neon-Batch-* headers)
// Rows go back as arrays of raw text (the driver parses types itself: Neon-Raw-Text-Output, Neon-Array-Mode).
// A Postgres error is a 400 with the error's fields; anything else (database down) a 502. Dev and test only.
import pg from 'pg'

const RAW_TEXT = { getTypeParser: () => (value) => value }
const ERROR_FIELDS = ['message', 'severity', 'code', 'detail', 'hint', 'position', 'internalPosition', 'internalQuery',
  'where', 'schema', 'table', 'column', 'dataType', 'constraint', 'file', 'line', 'routine']
const ISOLATION = { ReadUncommitted: 'read uncommitted', ReadCommitted: 'read committed', RepeatableRead: 'repeatable read', Serializable: 'serializable' }

function readBody(req, limit = 10 * 1024 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (c) => {
      size += c.length
      if (size > limit) { reject(Object.assign(new Error('request body too large'), { status: 413 })); req.destroy() } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function toResult(res) {
  return {
    command: res.command,
    rowCount: res.rowCount,
    rows: res.rows,
    fields: res.fields.map((f) => ({ name: f.name, tableID: f.tableID, columnID: f.columnID, dataTypeID: f.dataTypeID,
      dataTypeSize: f.dataTypeSize, dataTypeModifier: f.dataTypeModifier, format: 'text' })),
    rowAsArray: true,
  }
}

const run = (client, { query, params }) => client.query({ text: query, values: params ?? [], rowMode: 'array', types: RAW_TEXT }).then(toResult)

/**
 * Returns `handle(req)` for POST /sql. `allowHost` keeps it to loopback databases (never a
 * relay); one pg.Pool per connection string, as Neon's endpoint pools its own connections.
 */
export function createSqlOverHttp({ allowHost }) {
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

  async function execute(headers, payload) {
    const connectionString = headers['neon-connection-string']
    let url
    try { url = new URL(connectionString) } catch { return { status: 400, body: { message: 'missing or invalid Neon-Connection-String header' } } }
    if (!allowHost(url.hostname)) return { status: 403, body: { message: 'only loopback databases are served' } }
    url.searchParams.delete('sslmode')
    const pool = poolFor(url.toString())
    let client
    try {
      client = await pool.connect()
    } catch (err) {
      return { status: 502, text: `could not connect to Postgres: ${err.message}` }
    }
    try {
      if (!Array.isArray(payload.queries)) return { status: 200, body: await run(client, payload) }
      const isolation = ISOLATION[headers['neon-batch-isolation-level']] ?? 'read committed'
      const mode = `${headers['neon-batch-read-only'] === 'true' ? ' read only' : ''}${headers['neon-batch-deferrable'] === 'true' ? ' deferrable' : ''}`
      await client.query(`begin isolation level ${isolation}${mode}`)
      try {
        const results = []
        for (const q of payload.queries) results.push(await run(client, q))
        await client.query('commit')
        return { status: 200, body: { results } }
      } catch (err) {
        await client.query('rollback').catch(() => undefined)
        throw err
      }
    } catch (err) {
      if (err instanceof pg.DatabaseError) return { status: 400, body: Object.fromEntries(ERROR_FIELDS.map((k) => [k, err[k]])) }
      return { status: 502, text: `database error: ${err.message}` }
    } finally {
      client.release()
    }
  }

  return {
    /** The answer to one request, as `{status, body}` (JSON) or `{status, text}`; written by the caller. */
    async handle(req) {
      let payload
      try {
        payload = JSON.parse(await readBody(req))
      } catch (err) {
        return { status: err.status ?? 400, body: { message: err.status ? err.message : 'body is not JSON' } }
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
