import { describe, expect, it, vi } from 'vitest'
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { Hono } from 'hono'
import { sql } from 'drizzle-orm'
import worker from '../../src/index'
import { errorPage, notFoundPage } from '../../src/platform/errors'
import { layoutRenderer } from '../../src/platform/layout'
import { database, requestContext } from '../../src/platform/middleware'
import type { AppEnv } from '../../src/platform/types'
import { createTestUser, loginCookie } from '../auth/helpers'

// A query stopped by one of Neon's limits (ADR 0009) ends in the platform's error page: a friendly message
// and the request id, never a stack trace or the driver's message. The local SQL endpoint enforces the
// limits; a test lowers them for its own requests through knobs in the connection string.
const limited = (knob: string): Env => ({ ...env, DATABASE_URL: `${env.DATABASE_URL}?${knob}` })

async function fetchWith(app: { fetch: (req: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response> }, path: string, workerEnv: Env, headers: Record<string, string>) {
  const ctx = createExecutionContext()
  const res = await app.fetch(new Request(`http://localhost${path}`, { headers }), workerEnv, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

describe('a result over the response limit', () => {
  it('the signed-in dashboard answers a clean 500 page with the request id (its session lookup is over 64 bytes)', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email, user.password)
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const res = await fetchWith(worker as never, '/dashboard', limited('qs_max_response_bytes=64'), { cookie, 'x-request-id': 'req-too-large' })
    expect(res.status).toBe(500)
    expect(res.headers.get('x-request-id')).toBe('req-too-large')
    const html = await res.text()
    expect(html).toContain('Too much to show')
    expect(html).toContain('req-too-large')
    expect(html).not.toContain('response is too large')
    expect(html).not.toMatch(/at .*\.[jt]sx?:\d+/)
    expect(logged.mock.calls.flat().join(' ')).toContain('507')
    logged.mockRestore()
  })
})

describe('a query stopped at the statement timeout', () => {
  // The real middleware, database, renderer and error handler around a route whose query outlasts the timeout
  // (the pattern of test/platform/errors.test.tsx): no page of the app is slow on purpose.
  function appWithSlowQuery() {
    const app = new Hono<AppEnv>()
    app.use(requestContext, layoutRenderer, database)
    app.get('/slow', async (c) => {
      await c.get('db').execute(sql`select pg_sleep(3)`)
      return c.text('never')
    })
    app.notFound(notFoundPage)
    app.onError(errorPage)
    return app
  }

  it('answers 503 with a try-again message and the request id', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const res = await fetchWith(appWithSlowQuery(), '/slow', limited('qs_statement_timeout_ms=200'), { 'x-request-id': 'req-timeout' })
    expect(res.status).toBe(503)
    const html = await res.text()
    expect(html).toContain('took too long')
    expect(html).toContain('req-timeout')
    expect(html).not.toContain('Query cancelled')
    expect(html).not.toMatch(/at .*\.[jt]sx?:\d+/)
    expect(logged.mock.calls.flat().join(' ')).toContain('08P01')
    logged.mockRestore()
  })

  it('an htmx request gets the notification fragment, not a page', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const res = await fetchWith(appWithSlowQuery(), '/slow', limited('qs_statement_timeout_ms=200'), { 'hx-request': 'true' })
    expect(res.status).toBe(503)
    expect(res.headers.get('hx-retarget')).toBe('#flash-region')
    expect(await res.text()).not.toContain('<html')
    vi.restoreAllMocks()
  })
})
