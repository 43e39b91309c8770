import { Pool, neon, neonConfig, type PoolClient } from '@neondatabase/serverless'
import { drizzle as drizzleHttp, type NeonHttpDatabase } from 'drizzle-orm/neon-http'
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
  close: () => Promise<void>
}

type DbEnv = Pick<Env, 'DATABASE_URL'> & { NEON_WS_PROXY?: string }

// Built per request or per queue batch: Workers cannot keep sockets across requests, and the HTTP client
// holds no socket at all. close() ends the transaction Pool if one was opened.
export function createDb(env: DbEnv): DbHandle {
  configureLocalProxy(env.NEON_WS_PROXY)
  const db = drizzleHttp({ client: coalesceQueries(neon(env.DATABASE_URL)), casing: 'snake_case' }) as unknown as Database
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
  }
}
