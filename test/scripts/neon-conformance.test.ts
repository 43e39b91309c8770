import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { neon, neonConfig } from '@neondatabase/serverless'
// @ts-expect-error plain .mjs dev script
import { freePort, startLocalDatabase } from '../../scripts/local-db.mjs'
// @ts-expect-error plain .mjs dev script
import { NEON_LIMITS } from '../../scripts/sql-over-http.mjs'

// What Neon's SQL-over-HTTP proxy answers where it changes the app's behaviour (ADR 0009): status codes,
// the error JSON and the limits. The same assertions run against the local endpoint (scripts/sql-over-http.mjs,
// always) and against a real Neon branch when NEON_TEST_DATABASE_URL is set (a throw-away branch: the
// assertions create nothing). Plain Node, not workerd: the Workers tests refuse non-local hosts by design.
const NEON_URL = process.env.NEON_TEST_DATABASE_URL ?? ''
/** Neon's error keys, in the order proxy/src/serverless/sql_over_http.rs writes them. */
const ERROR_KEYS = ['message', 'code', 'detail', 'hint', 'position', 'internalPosition', 'internalQuery', 'severity',
  'where', 'table', 'column', 'schema', 'dataType', 'constraint', 'file', 'line', 'routine']

interface Target { url: string; endpoint: string }
const isLoopback = (host: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(host)
// The driver's own derivation for a Neon host (ep-x.region.aws.neon.tech → https://api.region.aws.neon.tech/sql).
const neonEndpoint = (host: string) => `https://${host.replace(/^[^.]+\./, 'api.')}/sql`

async function post(target: Target, body: unknown, url = target.url) {
  const res = await fetch(target.endpoint, {
    method: 'POST',
    headers: { 'Neon-Connection-String': url, 'Neon-Raw-Text-Output': 'true', 'Neon-Array-Mode': 'true', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  let json: Record<string, unknown> | null = null
  try { json = JSON.parse(text) } catch { /* not JSON: the assertion below shows the text */ }
  return { status: res.status, json, text }
}

function withPassword(url: string, password: string) {
  const u = new URL(url)
  u.password = password
  return u.toString()
}

function conformance(target: () => Target) {
  it('a Postgres error: 400 with every field of Neon\'s error object, the SQLSTATE in code', async () => {
    const { status, json } = await post(target(), { query: 'select 1/0', params: [] })
    expect(status).toBe(400)
    expect(Object.keys(json!)).toEqual(ERROR_KEYS)
    expect(json).toMatchObject({ code: '22012', severity: 'ERROR', message: 'division by zero' })
  })

  it('a failing statement in a batch rolls the whole batch back and answers its error', async () => {
    const { status, json } = await post(target(), { queries: [{ query: 'select 1', params: [] }, { query: 'selec 2', params: [] }] })
    expect(status).toBe(400)
    expect(json).toMatchObject({ code: '42601' })
  })

  it(`a response over ${NEON_LIMITS.maxResponseBytes} bytes (10 MiB): 507, code "", nothing else filled in`, async () => {
    // 12 rows of 1 MiB: the proxy stops at the row that finds more than 10 MiB already written.
    const { status, json } = await post(target(), { query: "select repeat('x', 1048576) from generate_series(1, 12)", params: [] })
    expect(status).toBe(507)
    expect(Object.keys(json!)).toEqual(ERROR_KEYS)
    expect(json).toMatchObject({ message: 'response is too large (max is 10485760 bytes)', code: '', severity: '', detail: null })
  })

  it('a wrong password: 400 with Neon\'s own message and code "" (the proxy authenticates, not Postgres)', async () => {
    const url = withPassword(target().url, 'not-the-password')
    const { status, json } = await post(target(), { query: 'select 1', params: [] }, url)
    expect(status).toBe(400)
    expect(json).toMatchObject({ message: `password authentication failed for user '${new URL(url).username}'`, code: '' })
  })

  it('a Postgres statement_timeout is a Postgres error (57014), not a cancellation', async () => {
    const { status, json } = await post(target(), { queries: [{ query: "set local statement_timeout = '100ms'", params: [] }, { query: 'select pg_sleep(2)', params: [] }] })
    expect(status).toBe(400)
    expect(json).toMatchObject({ code: '57014' })
  })

  it('through the driver: a 400 becomes a NeonDbError with the code, any other status one without', async () => {
    const sql = neon(target().url)
    await expect(sql.query('select 1/0')).rejects.toMatchObject({ name: 'NeonDbError', code: '22012' })
    const tooLarge = await sql.query("select repeat('x', 1048576) from generate_series(1, 12)").catch((e: unknown) => e)
    expect(tooLarge).toMatchObject({ name: 'NeonDbError', code: undefined })
    expect(String((tooLarge as Error).message)).toMatch(/^Server error \(HTTP status 507\)/)
    await expect(neon(withPassword(target().url, 'nope')).query('select 1')).rejects.toMatchObject({ code: '' })
  })
}

let local: { databaseUrl: string; sqlEndpoint: string; stop: () => Promise<void> } | null = null
beforeAll(async () => {
  local = await startLocalDatabase({
    dataDir: path.join(os.tmpdir(), `qs-neon-conformance-${process.pid}-${Date.now()}`),
    port: await freePort(), bridgePort: await freePort(), database: 'conformance', persistent: false, fast: true,
  })
  // The driver posts to the local endpoint for loopback databases, to Neon's api host otherwise.
  neonConfig.fetchEndpoint = (host: string) => (isLoopback(host) ? local!.sqlEndpoint : neonEndpoint(host))
}, 60_000)
afterAll(async () => {
  await local?.stop()
})

describe('the local SQL endpoint (scripts/sql-over-http.mjs) answers like Neon', () => {
  conformance(() => ({ url: local!.databaseUrl, endpoint: local!.sqlEndpoint }))

  it(`stops a query at its statement timeout (default ${NEON_LIMITS.statementTimeoutMs} ms): 400 with only message and code 08P01`, async () => {
    expect(NEON_LIMITS.statementTimeoutMs).toBe(15_000)
    // A tiny timeout for this request only (a test knob in the connection string, dropped before connecting).
    const url = `${local!.databaseUrl}?qs_statement_timeout_ms=200`
    const target = { url, endpoint: local!.sqlEndpoint }
    const { status, json } = await post(target, { queries: [{ query: 'select 1', params: [] }, { query: 'select pg_sleep(5)', params: [] }] })
    expect(status).toBe(400)
    expect(json).toEqual({ message: 'Query cancelled, connection was terminated', code: '08P01' })
    // The backend was cancelled, not left sleeping: the next query answers at once.
    expect((await post(target, { query: 'select 1', params: [] })).status).toBe(200)
  })

  it('a configurable response limit, checked as Neon does: before each row, on what is already written', async () => {
    const target = { url: `${local!.databaseUrl}?qs_max_response_bytes=200`, endpoint: local!.sqlEndpoint }
    expect((await post(target, { query: "select repeat('x', 150)", params: [] })).status).toBe(200)
    const over = await post(target, { query: "select repeat('x', 150) from generate_series(1, 2)", params: [] })
    expect(over.status).toBe(507)
    expect(over.json).toMatchObject({ message: 'response is too large (max is 200 bytes)', code: '' })
  })

  it('a database that cannot be reached: 500 with code "" (Neon: "Couldn\'t connect to compute node")', async () => {
    const url = new URL(local!.databaseUrl)
    url.port = String(await freePort())
    const { status, json } = await post({ url: url.toString(), endpoint: local!.sqlEndpoint }, { query: 'select 1', params: [] })
    expect(status).toBe(500)
    expect(json).toMatchObject({ message: "Couldn't connect to compute node", code: '' })
  })
})

describe.skipIf(!NEON_URL)(NEON_URL ? 'a real Neon branch (NEON_TEST_DATABASE_URL)' : 'a real Neon branch — skipped: NEON_TEST_DATABASE_URL is not set', () => {
  conformance(() => ({ url: NEON_URL, endpoint: neonEndpoint(new URL(NEON_URL).hostname) }))
})
