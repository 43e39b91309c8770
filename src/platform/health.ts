import { Hono } from 'hono'
import { sql } from 'drizzle-orm'
import type { AppEnv } from './types'
import { version } from '../../package.json'

// For uptime checks and load balancers: 503 (no stack trace) when Postgres does not answer.
export const healthRoutes = new Hono<AppEnv>().get('/health', async (c) => {
  const started = Date.now()
  c.header('Cache-Control', 'no-store')
  try {
    await c.get('db').execute(sql`select 1`)
    return c.json({ status: 'ok', version: version, database: { status: 'ok', latencyMs: Date.now() - started } })
  } catch (err) {
    c.get('log').error('health: database unreachable', { error: err })
    return c.json({ status: 'error', version: version, database: { status: 'unreachable', latencyMs: Date.now() - started } }, 503)
  }
})
