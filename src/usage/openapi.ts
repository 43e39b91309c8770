import { z } from 'zod'
import type { ApiOperation } from '../platform/feature'
import { configOf, type AppContext } from '../platform/types'
import { apiErrorSchema } from './api-schemas'

/**
 * The OpenAPI 3.1 document of /api/v1, built from the operations every feature declares
 * (`Feature.apiOperations`, one zod schema per answer) — never written by hand, so it cannot drift from
 * the handlers that answer with the same schemas (test/usage/openapi.test.ts checks both ways).
 * OpenAPI 3.1 schemas are JSON Schema 2020-12, which is zod's own target.
 */

export type JsonSchema = { [key: string]: unknown }
export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>

/** zod → the JSON Schema embedded in the document (without the `$schema` line each root would carry). */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any' }) as JsonSchema
  return rest
}

const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }

const HEADERS = {
  'RateLimit-Limit': { description: "The plan's API requests for this period (absent when unlimited).", schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'API requests left this period after this one (absent when unlimited).', schema: { type: 'integer' } },
  'Retry-After': { description: 'Seconds until the period resets and requests are allowed again.', schema: { type: 'integer' } },
  'WWW-Authenticate': { description: 'Always `Bearer realm="api"`.', schema: { type: 'string' } },
  Allow: { description: 'The methods this path answers.', schema: { type: 'string' } },
}

/** The error answers any operation may give, as reusable responses. */
const RESPONSES = {
  Unauthorized: {
    description: 'No key (`unauthorized`), or a malformed, unknown or revoked one (`invalid_api_key`).',
    headers: { 'WWW-Authenticate': { $ref: '#/components/headers/WWW-Authenticate' } },
    content: errorContent,
  },
  MethodNotAllowed: {
    description: 'The path exists but not for this method (`method_not_allowed`).',
    headers: { Allow: { $ref: '#/components/headers/Allow' } },
    content: errorContent,
  },
  QuotaExceeded: {
    description: "The plan's API requests for this period are used up (`quota_exceeded`, with `metric`, `used`, `limit`, `upgrade_url` and `retry_after_seconds`).",
    headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } },
    content: errorContent,
  },
  InvalidRequest: {
    description: 'A path or query parameter is not what this operation takes (`invalid_request`, with `issues`).',
    content: errorContent,
  },
  InternalError: { description: 'Something failed on our side (`internal_error`): quote the `request_id`.', content: errorContent },
}

function parametersOf(schema: z.ZodObject | undefined, where: 'path' | 'query') {
  if (!schema) return []
  const json = jsonSchemaOf(schema) as { properties?: Record<string, JsonSchema>; required?: string[] }
  return Object.entries(json.properties ?? {}).map(([name, { description, ...rest }]) => ({
    name, in: where, required: where === 'path' || (json.required ?? []).includes(name),
    ...(description ? { description } : {}),
    schema: rest,
  }))
}

function operationObject(op: ApiOperation) {
  const secured = op.auth !== false
  const responses: Record<string, unknown> = {
    200: {
      description: 'OK',
      ...(op.metered ? { headers: { 'RateLimit-Limit': { $ref: '#/components/headers/RateLimit-Limit' }, 'RateLimit-Remaining': { $ref: '#/components/headers/RateLimit-Remaining' } } } : {}),
      content: { 'application/json': { schema: jsonSchemaOf(op.response) } },
    },
  }
  if (secured) responses[401] = { $ref: '#/components/responses/Unauthorized' }
  if (op.params || op.query) responses[422] = { $ref: '#/components/responses/InvalidRequest' }
  for (const [status, description] of Object.entries(op.errors ?? {})) responses[status] = { description, content: errorContent }
  responses[405] = { $ref: '#/components/responses/MethodNotAllowed' }
  if (op.metered) responses[429] = { $ref: '#/components/responses/QuotaExceeded' }
  responses[500] = { $ref: '#/components/responses/InternalError' }
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    // An empty list overrides the document-wide key requirement: this one is public.
    ...(secured ? {} : { security: [] }),
    ...(op.metered ? { 'x-metered': true } : {}),
    parameters: [...parametersOf(op.params, 'path'), ...parametersOf(op.query, 'query')],
    responses,
  }
}

/** `/api/v1/files/:id` (Hono) → `/api/v1/files/{id}` (OpenAPI). */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:(\w+)/g, '{$1}')
}

export function buildOpenApiDocument(operations: readonly ApiOperation[], { appName, origin }: { appName: string; origin: string }) {
  const paths: Record<string, Record<string, ReturnType<typeof operationObject>>> = {}
  for (const op of operations) (paths[openApiPath(op.path)] ??= {})[op.method] = operationObject(op)
  return {
    openapi: '3.1.1',
    info: {
      title: `${appName} API`,
      version: '1',
      description: `The JSON API of ${appName}. Create a key at ${new URL('/settings/api-keys', origin)} and send it as \`Authorization: Bearer <key>\`. Requests marked metered count towards your plan's API requests; their answers carry RateLimit-Limit and RateLimit-Remaining.`,
    },
    servers: [{ url: origin }],
    security: [{ apiKey: [] }],
    tags: [...new Set(operations.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http', scheme: 'bearer', bearerFormat: 'qs_<prefix>_<secret>',
          description: 'An API key from /settings/api-keys in the Authorization header. Cookies are ignored.',
        },
      },
      schemas: { Error: jsonSchemaOf(apiErrorSchema) },
      headers: HEADERS,
      responses: RESPONSES,
    },
  }
}

/** The app's document: every listed feature's operations, the origin from APP_URL (never the Host header). */
export function apiDocument(c: AppContext): OpenApiDocument {
  const config = configOf(c)
  return buildOpenApiDocument(c.var.registry.apiOperations, { appName: config.APP_NAME, origin: new URL(config.APP_URL).origin })
}
