import { createMiddleware } from 'hono/factory'
import { readConfig, trustedOrigins } from './env'
import { createDb, type Database, type DbHandle } from './db'
import { renderError } from './errors'
import { createLogger } from './logger'
import type { AppEnv } from './types'

// First middleware: config validated once per isolate (throws ConfigError naming the variable), the
// request id and its logger, and at most one request line.
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header('cf-ray') ?? c.req.header('x-request-id')
  const requestId = incoming && /^[\w-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID()
  c.set('requestId', requestId)
  c.set('viewer', null)
  c.set('log', createLogger({ fields: { requestId } }))
  const started = Date.now()
  try {
    c.set('config', readConfig(c.env))
    await next()
  } finally {
    c.header('X-Request-Id', requestId)
    // Opt-in (LOG_REQUESTS=true, platform/env.ts): Workers Logs and wrangler dev already log every request.
    if (c.get('config')?.logRequests) {
      c.get('log').info('request', { method: c.req.method, path: c.req.path, status: c.res.status, ms: Date.now() - started })
    }
  }
})

/**
 * The request's database handle, built on first use and closed after the response is sent (Workers
 * cannot reuse sockets across requests). Pages that need no query (the home page reads a cached plan
 * catalogue, /about, static errors) never build it: that was a tenth of a millisecond per request.
 */
export const database = createMiddleware<AppEnv>(async (c, next) => {
  let handle: DbHandle | null = null
  const openHandle = () => (handle ??= createDb(c.env))
  const own = lazyDatabase(() => openHandle().db)
  c.set('db', own)
  // A speculative render (ADR 0106) gets the same database with its writes held until `confirmed`. Not when
  // something before it replaced the request's database (a test's transaction): its writes could not be held.
  c.set('speculate', (confirmed) => {
    if (c.get('db') !== own) return false
    let held: Database | null = null
    c.set('db', lazyDatabase(() => (held ??= openHandle().speculative(confirmed))))
    return true
  })
  try {
    await next()
  } finally {
    // waitUntil only when a transaction opened a Pool: a pending task per request was measurable (issue 23).
    if (handle && (handle as DbHandle).opened()) c.executionCtx.waitUntil((handle as DbHandle).close())
  }
})

function lazyDatabase(open: () => Database): Database {
  return new Proxy({} as Database, {
    get(_target, key) {
      const db = open()
      const value = Reflect.get(db, key, db)
      return typeof value === 'function' ? value.bind(db) : value
    },
  })
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * CSRF defence for every state-changing request, form or JSON alike (hono/csrf only inspects
 * form content types — security checklist 14). Rule: Sec-Fetch-Site must be same-origin, or the
 * Origin header must be APP_URL's or one in TRUSTED_ORIGINS (Copenhagen Book, csrf#origin-header;
 * ASVS 3.5.1). A request with neither header is refused: every browser that can carry a session
 * cookie sends one of them. Exempt paths are only those authenticated otherwise (the signature-verified Stripe webhook).
 */
export function csrfProtection(options: { exemptPaths?: string[] } = {}) {
  const exempt = new Set((options.exemptPaths ?? []).filter((p) => !p.endsWith('*')))
  const exemptPrefixes = (options.exemptPaths ?? []).filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1))
  return createMiddleware<AppEnv>(async (c, next) => {
    const path = c.req.path
    if (SAFE_METHODS.has(c.req.method) || exempt.has(path) || exemptPrefixes.some((p) => path.startsWith(p))) return next()
    const site = c.req.header('sec-fetch-site')
    const origin = c.req.header('origin')
    // From configuration only: the request's own URL comes from its Host header, which a DNS-rebinding
    // page controls (issue 9, finding 8).
    const allowedOrigins = trustedOrigins(c.env)
    const sameSite = site === 'same-origin'
    const originOk = origin !== undefined && allowedOrigins.has(origin)
    // A cross-site fetch metadata header wins over a spoofable-looking Origin match.
    if ((site !== undefined && !sameSite) || (!sameSite && !originOk)) {
      c.get('log').warn('csrf blocked', { path: c.req.path, origin, site })
      return renderError(c, { status: 403, title: 'Forbidden', message: 'This request came from another site and was blocked to protect your account.' })
    }
    return next()
  })
}
