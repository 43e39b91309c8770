import { Pool, neon, neonConfig, type HTTPQueryOptions, type NeonQueryFunction, type PoolClient } from '@neondatabase/serverless'
import { fillPlaceholders } from 'drizzle-orm'
import { drizzle as drizzleHttp, NeonHttpDatabase, NeonHttpSession } from 'drizzle-orm/neon-http'
import { PgDialect } from 'drizzle-orm/pg-core'
import { drizzle as drizzleWs, type NeonDatabase } from 'drizzle-orm/neon-serverless'
import { coalesceQueries } from './db-coalesce'
import { createLogger } from './logger'

type WsDatabase = NeonDatabase<Record<string, never>>
/** What `db.transaction(async (tx) => …)` hands its callback: one connection held for the whole function. */
export type Transaction = Parameters<Parameters<WsDatabase['transaction']>[0]>[0]
/**
 * The request's database (docs/decisions/0008-database-transport.md): queries go over Neon's SQL-over-HTTP
 * transport (one round trip each, no connection setup; queries issued together share one trip), while
 * `transaction` keeps its interactive semantics on a WebSocket connection opened only when it is called.
 */
export type Database = Omit<NeonHttpDatabase<Record<string, never>>, 'transaction'> & Pick<WsDatabase, 'transaction'>
/** The one type for "a database or a transaction": services that may run inside a caller's transaction take this. */
export type DatabaseOrTransaction = Database | Transaction

let localProxyConfigured = false

// Only a local run sets NEON_WS_PROXY: it points the Neon driver at the bridge in scripts/ (WebSockets for
// transactions, POST /sql on the same port for queries). Production never sets it, so its neonConfig
// stays at the driver's defaults (TLS WebSockets to Neon, HTTPS to the endpoint's api host).
function configureLocalProxy(proxy: string | undefined): void {
  if (!proxy || localProxyConfigured) return
  const origin = proxy.split('/')[0]
  neonConfig.wsProxy = (host, port) => `${proxy}?address=${host}:${port}`
  neonConfig.useSecureWebSocket = false
  neonConfig.pipelineTLS = false
  neonConfig.pipelineConnect = false
  neonConfig.fetchEndpoint = () => `http://${origin}/sql`
  localProxyConfigured = true
}


export interface DbHandle {
  db: Database
  /** Ends the transaction Pool, if `transaction` opened one. */
  close: () => Promise<void>
  /** True once `transaction` opened a Pool that `close` must end. */
  opened: () => boolean
  /**
   * The same database (same connection, same query batches) for a speculative render (ADR 0106): reads run
   * at once; writes and transactions wait for `confirmed` and run only if it settles true.
   */
  speculative: (confirmed: Promise<boolean>) => Database
}

// Per isolate (issue 23): what a drizzle() call rebuilt on every request. The dialect holds drizzle's casing
// cache (every table's snake_case column names, recomputed per new instance); drizzle's neon-http driver
// re-registers the driver's global type parsers on each construction; and neon() per DATABASE_URL is a plain
// function holding no socket. Profiled under load on /dashboard, these (with a waitUntil per request) were
// about 6 % of the Worker's CPU (docs/performance.md). What stays per request is the query coalescer (its batch must only ever hold one request's queries)
// and the thin session and database objects around it.
const dialect = new PgDialect({ casing: 'snake_case' })
const httpClients = new Map<string, NeonQueryFunction<false, false>>()
let typeParsersSet = false

const HTTP_QUERY = Symbol('http query')
type HttpQuery = { run: NeonQueryFunction<false, false>['query'] }

function httpClient(url: string): NeonQueryFunction<false, false> {
  let sql = httpClients.get(url)
  if (sql === undefined) {
    sql = neon(url)
    httpClients.set(url, sql)
  }
  if (!typeParsersSet) {
    // The one drizzle() of the isolate: it sets the type parsers its results rely on (dates stay strings).
    drizzleHttp({ client: sql, casing: 'snake_case' })
    typeParsersSet = true
  }
  // Per request: the coalescer's batch must only ever hold one request's queries.
  return coalesceQueries(sql)
}

function databaseOver(client: NeonQueryFunction<false, false>): Database {
  const db = new NeonHttpDatabase(dialect, new NeonHttpSession(client, dialect, undefined, {}), undefined)
  // Under a symbol and as an object: the request's lazy handle (platform/middleware.ts) binds functions.
  return Object.assign(db, { $client: client, [HTTP_QUERY]: { run: client.query } }) as unknown as Database
}

/** Thrown by a statement held for a speculative render whose identity was then refused (ADR 0106). */
export class SpeculationRefused extends Error {
  constructor() {
    super('speculative render: the session it assumed was not confirmed, so its write did not run')
    this.name = 'SpeculationRefused'
  }
}

// A plain read: SELECT, without a row lock, `INTO` (a new table), a sequence step or an advisory lock.
// Anything else (a write, a CTE that may write, a lock) is held; a read that merely names one of those
// words waits too, which only costs it the wait. A SELECT calling a function that writes is not seen: a
// readsOnly route must not issue one (ADR 0106).
const PLAIN_READ = /^\s*select\s(?![\s\S]*(\bfor\s+(update|no\s+key\s+update|share|key\s+share)\b|\binto\b|\b(nextval|setval|pg_advisory\w*)\s*\())/i

/** Runs `run` once `confirmed` settles true; refuses it (SpeculationRefused) when it settles false. */
function runIfConfirmed(confirmed: Promise<boolean>, run: () => unknown): Promise<unknown> {
  return confirmed.then((ok) => {
    if (!ok) throw new SpeculationRefused()
    return run()
  })
}

/**
 * The same client with every statement but a plain read held until `confirmed` settles, and run only if it
 * settles true (ADR 0106: a speculative render writes nothing for an identity that is not confirmed). Reads
 * pass at once, so they still share the session lookup's batch.
 */
function holdingWrites(client: NeonQueryFunction<false, false>, confirmed: Promise<boolean>): NeonQueryFunction<false, false> {
  const afterConfirmation = (run: () => unknown) => runIfConfirmed(confirmed, run)
  const query = ((text: string, params?: unknown[], options?: HTTPQueryOptions<false, false>) =>
    PLAIN_READ.test(text) ? client.query(text, params, options) : afterConfirmation(() => client.query(text, params, options))) as NeonQueryFunction<false, false>['query']
  const tagged = ((strings: TemplateStringsArray, ...values: unknown[]) => afterConfirmation(() => client(strings, ...values))) as NeonQueryFunction<false, false>
  const transaction = ((...args: Parameters<NeonQueryFunction<false, false>['transaction']>) => afterConfirmation(() => client.transaction(...args))) as NeonQueryFunction<false, false>['transaction']
  return Object.assign(tagged, client, { query, transaction })
}


/** What `prepareOnce` builds: a drizzle select (or other query with placeholders) before it runs. */
interface Preparable {
  toSQL(): { sql: string; params: unknown[] }
  prepare(name: string): unknown
}
type Prepared<Row> = { execute(values?: Record<string, unknown>): Promise<Row[]>; mapResult(result: unknown): unknown }

// Queries without a database to build them on: never run (a request's own client runs their SQL).
const templateDb = new NeonHttpDatabase(dialect, new NeonHttpSession((() => {
  throw new Error('prepareOnce: the template database runs nothing')
}) as unknown as NeonQueryFunction<false, false>, dialect, undefined, {}), undefined) as unknown as Database

/**
 * A query whose SQL is built once per isolate and run on each request's database (issue 23: building the
 * session lookup's and the cards' SQL on every request was a fifth of the dashboard's Worker CPU). `build`
 * writes it with `sql.placeholder('name')` for the values that change; the result is `(db, values) => rows`.
 * On the request's HTTP client it keeps the request's query coalescing (db-coalesce.ts); on anything else
 * (a transaction) it simply builds and runs the query there.
 */
export function prepareOnce<Row>(name: string, build: (db: Database) => Preparable): (db: DatabaseOrTransaction, values: Record<string, unknown>) => Promise<Row[]> {
  let built: { sql: string; params: unknown[]; prepared: Prepared<Row> } | null = null
  return async (db, values) => {
    const http = (db as unknown as Record<symbol, HttpQuery | undefined>)[HTTP_QUERY]
    if (http === undefined) return (build(db as Database).prepare(name) as Prepared<Row>).execute(values)
    if (built === null) {
      const query = build(templateDb)
      built = { ...query.toSQL(), prepared: query.prepare(name) as Prepared<Row> }
    }
    const result = await http.run(built.sql, fillPlaceholders(built.params, values), { arrayMode: true, fullResults: true })
    return built.prepared.mapResult(result) as Row[]
  }
}

type DbEnv = Pick<Env, 'DATABASE_URL'> & { NEON_WS_PROXY?: string }

// Built per request or per queue batch: Workers cannot keep sockets across requests, and the HTTP client
// holds no socket at all. close() ends the transaction Pool if one was opened.
export function createDb(env: DbEnv): DbHandle {
  configureLocalProxy(env.NEON_WS_PROXY)
  const client = httpClient(env.DATABASE_URL)
  const db = databaseOver(client)
  let pool: Pool | null = null
  let wsDb: WsDatabase | null = null
  let closing = false
  function openPool(): WsDatabase {
    if (wsDb) return wsDb
    // 10 s, Neon's own example for a Pool: a compute waking from scale-to-zero answers a first connection
    // late (docs/decisions/0009-neon-limits.md); 5 s failed transactions that a waking compute would serve.
    pool = new Pool({ connectionString: env.DATABASE_URL, max: 5, connectionTimeoutMillis: 10_000 })
    // A dropped connection must not crash the isolate; the failing query still rejects. Once we end
    // the pool, the socket's own disconnect event is expected and not worth a log line.
    pool.on('error', (err: unknown) => {
      // WebSocket failures arrive as ErrorEvent (message but no Error prototype); the logger describes both.
      if (!closing) createLogger().error('db pool error', { error: err })
    })
    // The pool listens only to idle clients: one that drops while a transaction holds it emits 'error' with
    // nobody listening, an uncaught exception in the isolate. Its transaction rejects anyway (the 503 page).
    pool.on('connect', (client: PoolClient) => {
      client.on('error', (err: unknown) => {
        if (!closing) createLogger().warn('db connection lost in use', { error: err })
      })
    })
    wsDb = drizzleWs({ client: pool, casing: 'snake_case' })
    return wsDb
  }
  // neon-http has no interactive transactions; this one runs on the WebSocket Pool, opened lazily.
  db.transaction = ((fn, config) => openPool().transaction(fn, config)) as Database['transaction']
  return {
    db,
    close: async () => {
      closing = true
      if (pool) await pool.end().catch(() => undefined)
    },
    opened: () => pool !== null,
    speculative: (confirmed) => {
      const held = databaseOver(holdingWrites(client, confirmed))
      held.transaction = ((fn, config) => runIfConfirmed(confirmed, () => openPool().transaction(fn, config))) as Database['transaction']
      return held
    },
  }
}
