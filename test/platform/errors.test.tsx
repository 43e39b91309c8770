import { describe, expect, it, vi } from 'vitest'
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { Hono } from 'hono'
import { request } from '../helpers/http'
import { errorPage, notFoundPage } from '../../src/platform/errors'
import { layoutRenderer } from '../../src/platform/layout'
import { requestContext } from '../../src/platform/middleware'
import type { AppEnv } from '../../src/platform/types'

describe('404', () => {
  it('unknown paths get the 404 page', async () => {
    const res = await request('/no/such/page')
    expect(res.status).toBe(404)
    const html = await res.text()
    expect(html).toContain('Page not found')
    expect(html).toContain('<nav class="navbar')
  })

  it('htmx requests get a fragment retargeted to the flash region', async () => {
    const res = await request('/no/such/page', { htmx: true })
    expect(res.status).toBe(404)
    expect(res.headers.get('hx-retarget')).toBe('#flash-region')
    const html = await res.text()
    expect(html).not.toContain('<html')
    expect(html).toContain('role="alert"')
  })
})

describe('500', () => {
  // The real middleware, renderer and error handler around a route that throws.
  function appThatThrows() {
    const app = new Hono<AppEnv>()
    app.use(requestContext, layoutRenderer)
    app.get('/boom', () => {
      throw new Error('secret detail: connection string postgres://user:pw@host')
    })
    app.notFound(notFoundPage)
    app.onError(errorPage)
    return app
  }

  it('shows a generic page with a reference and no stack trace', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const ctx = createExecutionContext()
    const res = await appThatThrows().fetch(new Request('http://localhost/boom', { headers: { 'x-request-id': 'req-123' } }), env, ctx)
    await waitOnExecutionContext(ctx)
    expect(res.status).toBe(500)
    const html = await res.text()
    expect(html).toContain('Something went wrong')
    expect(html).toContain('req-123')
    expect(html).not.toContain('secret detail')
    expect(html).not.toMatch(/at .*\.tsx?:\d+/)
    expect(logged.mock.calls.flat().join(' ')).toContain('secret detail')
    logged.mockRestore()
  })

  it('htmx requests get a 500 fragment', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const ctx = createExecutionContext()
    const res = await appThatThrows().fetch(new Request('http://localhost/boom', { headers: { 'hx-request': 'true' } }), env, ctx)
    expect(res.status).toBe(500)
    expect(res.headers.get('hx-retarget')).toBe('#flash-region')
    expect(await res.text()).not.toContain('<html')
  })

  it('a missing variable fails with a message naming it, not a crash', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const ctx = createExecutionContext()
    const { DATABASE_URL: _omit, ...rest } = env
    const res = await appThatThrows().fetch(new Request('http://localhost/'), { ...rest } as Env, ctx)
    expect(res.status).toBe(500)
    expect(logged.mock.calls.flat().join(' ')).toContain('DATABASE_URL is missing')
    logged.mockRestore()
  })
})
