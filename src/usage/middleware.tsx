import { createMiddleware } from 'hono/factory'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { isHtmxRequest } from '../platform/htmx'
import { configOf } from '../platform/types'
import type { AppContext, AppEnv } from '../platform/types'
import { verifyApiKey, type ApiCaller } from './api-keys'
import { formatAmount, meterNoun, type MeterName, type QuotaDenial, type QuotaResult } from './metrics'
import { consumeQuota } from './quota'
import type { ApiErrorCode } from './api-schemas'
import type { ApiOperation } from '../platform/feature'

declare module '../platform/types' {
  interface AppVariables {
    /** Set by requireApiKey: the key's owner. API handlers read this, never the session. */
    apiCaller?: ApiCaller
    /** Set by meter(): the account's figures after this request was counted. */
    quota?: QuotaResult
  }
}

/**
 * The API's one error shape: `{ "error": { "code", "message", …details } }` with a stable, snake_case
 * code a client can branch on; the message is for people. The request id links it to our log line.
 */
export function apiError(c: AppContext, status: ContentfulStatusCode, code: ApiErrorCode, message: string, details: Record<string, unknown> = {}) {
  c.header('Cache-Control', 'no-store')
  if (status === 401) c.header('WWW-Authenticate', 'Bearer realm="api"')
  return c.json(apiErrorBody(c, code, message, details), status)
}

/**
 * The last handler on an API path: any method the path does not serve gets 405 with `Allow` (RFC 9110
 * §15.5.6), in the API's JSON shape, before the key is even looked at. HEAD rides on GET.
 */
export function methodNotAllowed(allowed: string[]) {
  const allow = [...new Set([...allowed, ...(allowed.includes('GET') ? ['HEAD'] : [])])].join(', ')
  return (c: AppContext) => {
    c.header('Allow', allow)
    return apiError(c, 405, 'method_not_allowed', `This endpoint answers ${allow} only.`)
  }
}

function apiErrorBody(c: AppContext, code: ApiErrorCode, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, ...details, request_id: c.get('requestId') } }
}

const STATUS_CODES: Record<number, [ApiErrorCode, string]> = {
  400: ['bad_request', 'The request could not be processed.'],
  401: ['unauthorized', 'A valid API key is required.'],
  403: ['forbidden', 'This request is not allowed.'],
  404: ['not_found', 'There is no such API endpoint.'],
  405: ['method_not_allowed', 'This method is not allowed here.'],
  413: ['payload_too_large', 'The request body is too large.'],
  429: ['rate_limited', 'Too many requests.'],
}

/**
 * Around everything under /api/v1: whatever answered (the site's 404 page, the error page after a
 * throw), the client gets the JSON shape, never HTML.
 */
export const apiErrorShape = createMiddleware<AppEnv>(async (c, next) => {
  await next()
  const type = c.res.headers.get('content-type') ?? ''
  if (c.res.status < 400 || type.includes('application/json')) return
  const status = c.res.status as ContentfulStatusCode
  const [code, message]: [ApiErrorCode, string] = STATUS_CODES[status] ?? ['internal_error', 'Something went wrong on our side. Quote the request id if you contact us.']
  // Assigning c.res keeps the headers set so far (security headers, request id) but not the HTML type.
  c.res = new Response(JSON.stringify(apiErrorBody(c, code, message)), {
    status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  })
  c.res.headers.delete('hx-retarget')
  c.res.headers.delete('hx-reswap')
})

/**
 * Bearer API keys for /api/v1. Cookies are ignored here: the identity is the key and only the key, which
 * is why these paths are exempt from the cookie CSRF check (checklist 14) — a cross-site form cannot
 * attach an Authorization header.
 */
export const requireApiKey = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('authorization') ?? ''
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
  if (!token) return apiError(c, 401, 'unauthorized', 'Send your API key as "Authorization: Bearer qs_…". Create one at /settings/api-keys.')
  const caller = await verifyApiKey(c.get('db'), token, new Date())
  if (!caller) {
    // Denials are logged (checklist 34) with the key's public prefix at most, never the key.
    c.var.log.warn('api key refused', { path: c.req.path, prefix: /^qs_([a-z2-7]{8})_/.exec(token)?.[1] ?? null })
    return apiError(c, 401, 'invalid_api_key', 'This API key is not valid or has been revoked.')
  }
  c.set('apiCaller', caller)
  await next()
})

/**
 * Checks path and query parameters against the operation's declared schemas (the ones its OpenAPI entry is
 * built from): anything refused answers 422 `invalid_request` naming each parameter, before the request is
 * metered. Put it after requireApiKey (an anonymous caller learns nothing about the parameters).
 */
export function validateRequest(op: ApiOperation) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const issues: Array<{ path: string; message: string }> = []
    for (const [where, schema, values] of [['path', op.params, c.req.param()], ['query', op.query, c.req.query()]] as const) {
      const result = schema?.safeParse(values)
      if (result && !result.success) issues.push(...result.error.issues.map((i) => ({ path: [where, ...i.path].join('.'), message: i.message })))
    }
    if (issues.length > 0) return apiError(c, 422, 'invalid_request', `Check ${issues.map((i) => i.path).join(', ')}.`, { issues })
    await next()
  })
}

/**
 * Counts one `metric` per request for the signed-in account (API key first, else the session) and
 * refuses over the plan's limit with 429. Place it after requireApiKey or requireUser.
 */
export function meter(metric: MeterName, amount = 1) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const userId = c.get('apiCaller')?.userId ?? c.get('viewer')?.id
    if (!userId) throw new Error(`meter('${metric}') needs an account: put it after requireApiKey or requireUser`)
    const result = await consumeQuota(c.env, userId, [{ metric, amount }], { db: c.get('db'), now: new Date() })
    if (!result.allowed && result.denied) return quotaExceeded(c, result.denied)
    c.set('quota', result)
    const usage = result.usage[metric]
    if (usage && usage.limit !== null) {
      c.header('RateLimit-Limit', String(usage.limit))
      c.header('RateLimit-Remaining', String(usage.remaining))
    }
    await next()
  })
}

export function quotaMessage(denied: QuotaDenial): string {
  const noun = meterNoun(denied.metric)
  const figures = `${formatAmount(denied.metric, denied.used)} of ${formatAmount(denied.metric, denied.limit)}`
  return denied.retryAfterSeconds !== undefined
    ? `You have reached your plan's limit of ${noun} for this period (${figures}). It resets when the period ends; upgrade at /pricing for more.`
    : `You have reached your plan's limit of ${noun} (${figures}). Free some up or upgrade at /pricing.`
}

/** 429 naming the limit and linking to /pricing: JSON for the API, a fragment or a page for the UI. */
export function quotaExceeded(c: AppContext, denied: QuotaDenial) {
  if (denied.retryAfterSeconds !== undefined) c.header('Retry-After', String(denied.retryAfterSeconds))
  const message = quotaMessage(denied)
  if (c.req.path.startsWith('/api/') || c.get('apiCaller')) {
    return apiError(c, 429, 'quota_exceeded', message, {
      metric: denied.metric, used: denied.used, limit: denied.limit, upgrade_url: new URL('/pricing', configOf(c).APP_URL).toString(), // never the Host header (issue 19, 9)
      ...(denied.retryAfterSeconds !== undefined ? { retry_after_seconds: denied.retryAfterSeconds } : {}),
    })
  }
  c.status(429)
  const body = (
    <div class="notification is-warning is-light" role="alert">
      <strong>Limit reached.</strong> {message} <a href="/pricing">See the plans</a> · <a href="/usage">Your usage</a>
    </div>
  )
  if (isHtmxRequest(c)) {
    c.header('HX-Retarget', '#flash-region')
    c.header('HX-Reswap', 'innerHTML')
    return c.html(body)
  }
  return c.render(
    <section class="section"><div class="container content"><p class="is-size-1 has-text-weight-bold has-text-grey mb-2">429</p><h1 class="title">Limit reached</h1>{body}</div></section>,
    { title: 'Limit reached' },
  )
}
