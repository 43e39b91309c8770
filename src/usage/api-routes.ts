import { Hono } from 'hono'
import type { z } from 'zod'
import type { AppEnv } from '../platform/types'
import { METRICS } from './metrics'
import { apiErrorShape, meter, methodNotAllowed, requireApiKey } from './middleware'
import { openApiOperation, pingOperation, usageOperation, type pingResponse, type usageResponse } from './api-schemas'
import { apiDocument } from './openapi'

/**
 * The JSON API (docs/usage.md). Every endpoint: a bearer key, then one `api_requests` counted. Other
 * features add theirs the same way (files: GET /api/v1/files), each described in `apiOperations` with
 * the zod schema its answer `satisfies` (api-schemas.ts): the OpenAPI document is built from those.
 */
export const apiRoutes = new Hono<AppEnv>()
  .use('/api/v1/*', apiErrorShape)
  // Public and the same for everyone: any tool (an SDK generator, an API client) may fetch it, from any origin.
  .get(openApiOperation.path, (c) => {
    c.header('Cache-Control', 'public, max-age=300')
    c.header('Access-Control-Allow-Origin', '*')
    return c.json(apiDocument(c))
  })
  // Checks a key without spending a request (and is the bench's unmetered twin of /usage).
  .get(pingOperation.path, requireApiKey, (c) => {
    c.header('Cache-Control', 'no-store')
    return c.json({ ok: true, key: `qs_${c.get('apiCaller')!.prefix}_…` } satisfies z.infer<typeof pingResponse>)
  })
  .get(usageOperation.path, requireApiKey, meter('api_requests'), (c) => {
    const quota = c.get('quota')!
    c.header('Cache-Control', 'no-store')
    return c.json({
      period: { start: new Date(quota.periodStart).toISOString(), end: new Date(quota.periodEnd).toISOString() },
      usage: Object.fromEntries(METRICS.map((m) => [m, quota.usage[m]])) as z.infer<typeof usageResponse>['usage'],
    } satisfies z.infer<typeof usageResponse>)
  })
  .all(openApiOperation.path, methodNotAllowed(['GET']))
  .all(pingOperation.path, methodNotAllowed(['GET']))
  .all(usageOperation.path, methodNotAllowed(['GET']))
