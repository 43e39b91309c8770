import { z } from 'zod'
import type { ApiOperation } from '../platform/feature'
import { METRICS } from './metrics'

/**
 * The usage feature's part of the public API, described once (ApiOperation): api-routes.ts types its
 * answers with these schemas, openapi.ts turns them into the OpenAPI document, and
 * test/usage/openapi.test.ts checks real answers against them. Strict objects: a field added to an
 * answer without its schema fails that test instead of going undocumented.
 */

/** Every `error.code` the API answers; a client branches on these (docs/usage.md). */
export const API_ERROR_CODES = [
  'bad_request', 'invalid_request', 'unauthorized', 'invalid_api_key', 'forbidden', 'not_found', 'method_not_allowed',
  'payload_too_large', 'quota_exceeded', 'rate_limited', 'internal_error',
] as const
export type ApiErrorCode = (typeof API_ERROR_CODES)[number]

export const apiErrorSchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(API_ERROR_CODES).meta({ description: 'Stable and snake_case: branch on this, not on the message.' }),
    message: z.string().meta({ description: 'For people; may change.' }),
    request_id: z.string().meta({ description: 'Matches our log line: quote it if you contact us.' }),
    metric: z.string().optional().meta({ description: 'quota_exceeded: the meter whose limit was reached (api_requests for the API itself).' }),
    used: z.number().optional().meta({ description: 'quota_exceeded: the amount used this period.' }),
    limit: z.number().optional().meta({ description: "quota_exceeded: the plan's limit." }),
    upgrade_url: z.url().optional().meta({ description: 'quota_exceeded: where to get more.' }),
    issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional()
      .meta({ description: 'invalid_request: each parameter refused (`path` like `query.page`) and why.' }),
    retry_after_seconds: z.int().optional().meta({ description: 'quota_exceeded on a counter: seconds until the period resets (also in Retry-After).' }),
  }),
}).meta({ description: 'The one shape of every error answer.' })

const metricUsage = z.strictObject({
  used: z.number(),
  limit: z.number().nullable().meta({ description: 'null: unlimited on this plan.' }),
  remaining: z.number().nullable(),
})

export const pingResponse = z.strictObject({
  ok: z.literal(true),
  key: z.string().meta({ description: 'The calling key, masked to its public prefix.', examples: ['qs_ab12cd34_…'] }),
})

export const usageResponse = z.strictObject({
  period: z.strictObject({
    start: z.iso.datetime().meta({ description: "The current billing period's start (UTC)." }),
    end: z.iso.datetime(),
  }),
  usage: z.strictObject(Object.fromEntries(METRICS.map((m) => [m, metricUsage])) as Record<(typeof METRICS)[number], typeof metricUsage>)
    .meta({ description: 'Per metric: bytes for storage, counts for the others.' }),
})

// The document about itself: an object whose every field is free-form (it is OpenAPI 3.1).
const openApiDocument = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) })

export const pingOperation = {
  method: 'get', path: '/api/v1/ping', operationId: 'ping', tag: 'Account',
  summary: 'Check a key',
  description: 'Answers for a valid key without counting a request: use it to test a key or a deploy.',
  response: pingResponse,
} as const satisfies ApiOperation

export const usageOperation = {
  method: 'get', path: '/api/v1/usage', operationId: 'getUsage', tag: 'Account', metered: true,
  summary: "This period's usage and limits",
  description: "Every meter of the key owner's account in the current period, with the plan's limits.",
  response: usageResponse,
} as const satisfies ApiOperation

export const openApiOperation = {
  method: 'get', path: '/api/v1/openapi.json', operationId: 'getOpenApiDocument', tag: 'Reference', auth: false,
  summary: 'This document',
  description: 'The OpenAPI 3.1 description of the API. Public: no key needed.',
  response: openApiDocument,
} as const satisfies ApiOperation

/** In the order the reference lists them. Routes take their path from these (api-routes.ts). */
export const usageApiOperations: ApiOperation[] = [pingOperation, usageOperation, openApiOperation]
