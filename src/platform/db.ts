import { Pool, neonConfig } from '@neondatabase/serverless'
import { drizzle, type NeonDatabase } from 'drizzle-orm/neon-serverless'
import { createLogger } from './logger'

export type Database = NeonDatabase<Record<string, never>>
/** What `db.transaction(async (tx) => …)` hands its callback. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0]
/** The one type for "a database or a transaction": services that may run inside a caller's transaction take this. */
export type DatabaseOrTransaction = Database | Transaction

let localProxyConfigured = false

// Only a local run sets NEON_WS_PROXY: it points the Neon driver at the ws→TCP bridge in scripts/.
// Production never sets it, so its neonConfig stays at the driver's defaults (TLS WebSockets to Neon).
function configureLocalProxy(proxy: string | undefined): void {
  if (!proxy || localProxyConfigured) return
  neonConfig.wsProxy = (host, port) => `${proxy}?address=${host}:${port}`
  neonConfig.useSecureWebSocket = false
  neonConfig.pipelineTLS = false
  neonConfig.pipelineConnect = false
  localProxyConfigured = true
}


export interface DbHandle {
  db: Database
  close: () => Promise<void>
}

// A Pool lives for one request or one queue batch: Workers cannot keep sockets across requests.
export function createDb(env: Pick<Env, 'DATABASE_URL'> & { NEON_WS_PROXY?: string }): DbHandle {
  configureLocalProxy(env.NEON_WS_PROXY)
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 5, connectionTimeoutMillis: 5_000 })
  let closing = false
  // A dropped connection must not crash the isolate; the failing query still rejects. Once we end
  // the pool, the socket's own disconnect event is expected and not worth a log line.
  pool.on('error', (err: unknown) => {
    // WebSocket failures arrive as ErrorEvent (message but no Error prototype); the logger describes both.
    if (!closing) createLogger().error('db pool error', { error: err })
  })
  return {
    db: drizzle({ client: pool, casing: 'snake_case' }),
    close: () => {
      closing = true
      return pool.end().catch(() => undefined)
    },
  }
}
