import { createMiddleware } from 'hono/factory'
import { readConfig } from './env'
import { createDb } from './db'
import { renderError } from './errors'
import type { AppEnv } from './types'

// First middleware: config validated once (throws ConfigError naming the variable), request id,
// one structured log line per request.
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header('cf-ray') ?? c.req.header('x-request-id')
  const requestId = incoming && /^[\w-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID()
  c.set('requestId', requestId)
  c.set('viewer', null)
  const started = Date.now()
  try {
    readConfig(c.env)
    await next()
  } finally {
    c.header('X-Request-Id', requestId)
    // Tests assert on behaviour, not on log lines; keep their output readable.
    if (c.env.ENVIRONMENT !== 'test') console.log(JSON.stringify({
      level: 'info', requestId, method: c.req.method, path: c.req.path,
      status: c.res.status, ms: Date.now() - started,
    }))
  }
})

// A Pool per request, ended after the response is sent (Workers cannot reuse sockets across requests).
export const database = createMiddleware<AppEnv>(async (c, next) => {
  const handle = createDb(c.env)
  c.set('db', handle.db)
  try {
    await next()
  } finally {
    c.executionCtx.waitUntil(handle.close())
  }
})

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * CSRF defence for every state-changing request, form or JSON alike (hono/csrf only inspects
 * form content types — security checklist 14). Rule: Sec-Fetch-Site must be same-origin, or the
 * Origin header must be ours (Copenhagen Book, csrf#origin-header; ASVS 3.5.1). A request with
 * neither header is refused: every browser that can carry a session cookie sends one of them.
 * Exempt paths are only those authenticated otherwise (the signature-verified Stripe webhook).
 */
export function csrfProtection(options: { exemptPaths?: string[] } = {}) {
  const exempt = new Set((options.exemptPaths ?? []).filter((p) => !p.endsWith('*')))
  const exemptPrefixes = (options.exemptPaths ?? []).filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1))
  return createMiddleware<AppEnv>(async (c, next) => {
    const path = c.req.path
    if (SAFE_METHODS.has(c.req.method) || exempt.has(path) || exemptPrefixes.some((p) => path.startsWith(p))) return next()
    const site = c.req.header('sec-fetch-site')
    const origin = c.req.header('origin')
    const allowedOrigins = new Set([new URL(c.req.url).origin, new URL(c.env.APP_URL).origin])
    const sameSite = site === 'same-origin'
    const originOk = origin !== undefined && allowedOrigins.has(origin)
    // A cross-site fetch metadata header wins over a spoofable-looking Origin match.
    if ((site !== undefined && !sameSite) || (!sameSite && !originOk)) {
      console.warn(JSON.stringify({ level: 'warn', requestId: c.get('requestId'), msg: 'csrf blocked', path: c.req.path, origin, site }))
      return renderError(c, { status: 403, title: 'Forbidden', message: 'This request came from another site and was blocked to protect your account.' })
    }
    return next()
  })
}
