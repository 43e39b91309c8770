import { Hono } from 'hono'
import type { AppEnv } from '../platform/types'
import { METRICS } from './metrics'
import { apiErrorShape, meter, methodNotAllowed, requireApiKey } from './middleware'

/**
 * The JSON API (docs/usage.md). Every endpoint: a bearer key, then one `api_requests` counted. Other
 * features add theirs the same way (files: GET /api/v1/files).
 */
export const apiRoutes = new Hono<AppEnv>()
  .use('/api/v1/*', apiErrorShape)
  // Checks a key without spending a request (and is the bench's unmetered twin of /usage).
  .get('/api/v1/ping', requireApiKey, (c) => {
    c.header('Cache-Control', 'no-store')
    return c.json({ ok: true, key: `qs_${c.get('apiCaller')!.prefix}_…` })
  })
  .get('/api/v1/usage', requireApiKey, meter('api_requests'), (c) => {
    const quota = c.get('quota')!
    c.header('Cache-Control', 'no-store')
    return c.json({
      period: { start: new Date(quota.periodStart).toISOString(), end: new Date(quota.periodEnd).toISOString() },
      usage: Object.fromEntries(METRICS.map((m) => [m, quota.usage[m]])),
    })
  })
  .all('/api/v1/ping', methodNotAllowed(['GET']))
  .all('/api/v1/usage', methodNotAllowed(['GET']))
