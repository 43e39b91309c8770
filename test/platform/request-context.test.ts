import { describe, expect, it, vi } from 'vitest'
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import worker from '../../src/index'
import { request } from '../helpers/http'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('request id', () => {
  it('every response carries a fresh X-Request-Id', async () => {
    const a = (await request('/')).headers.get('x-request-id')
    const b = (await request('/missing')).headers.get('x-request-id')
    expect(a).toMatch(UUID)
    expect(b).toMatch(UUID)
    expect(a).not.toBe(b)
  })

  it('keeps a well-formed incoming id (Cloudflare cf-ray or an upstream X-Request-Id)', async () => {
    expect((await request('/', { headers: { 'cf-ray': '8f1e2d3c4b5a6978-AMS' } })).headers.get('x-request-id')).toBe('8f1e2d3c4b5a6978-AMS')
    expect((await request('/', { headers: { 'x-request-id': 'upstream-42' } })).headers.get('x-request-id')).toBe('upstream-42')
  })

  it('replaces a malformed incoming id instead of echoing it (no header or log injection)', async () => {
    const res = await request('/', { headers: { 'x-request-id': 'bad id <script>' } })
    expect(res.headers.get('x-request-id')).toMatch(UUID)
  })
})

describe('request log', () => {
  async function linesFor(environment: string) {
    const logged = vi.spyOn(console, 'log').mockImplementation(() => {})
    const ctx = createExecutionContext()
    const res = await worker.fetch(new Request('http://127.0.0.1:8787/no-such-page?token=secret'), { ...env, ENVIRONMENT: environment }, ctx)
    await waitOnExecutionContext(ctx)
    const lines = logged.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('"requestId"'))
    logged.mockRestore()
    return { res, lines }
  }

  it('under wrangler dev (development): no request line of ours, wrangler prints its own', async () => {
    const { res, lines } = await linesFor('development')
    expect(res.status).toBe(404)
    expect(lines).toEqual([])
  })

  it('production, by default: none either (Workers Logs records every invocation with its Ray ID)', async () => {
    const { res, lines } = await linesFor('production')
    expect(res.status).toBe(404)
    expect(lines).toEqual([])
  })

  it('LOG_REQUESTS=true: one JSON line per request with the same id as the response header', async () => {
    const logged = vi.spyOn(console, 'log').mockImplementation(() => {})
    const ctx = createExecutionContext()
    const res = await worker.fetch(new Request('http://127.0.0.1:8787/no-such-page?token=secret'), { ...env, ENVIRONMENT: 'production', LOG_REQUESTS: 'true' } as Env, ctx)
    await waitOnExecutionContext(ctx)
    const lines = logged.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('"requestId"'))
    logged.mockRestore()
    expect(lines).toHaveLength(1)
    const entry = JSON.parse(lines[0])
    expect(entry).toMatchObject({ level: 'info', method: 'GET', path: '/no-such-page', status: 404, requestId: res.headers.get('x-request-id') })
    expect(entry.ms).toBeTypeOf('number')
    // The path only: query strings can carry tokens (verify and reset links).
    expect(lines[0]).not.toContain('secret')
  })
})

describe('flash messages', () => {
  it('a flash cookie is shown once and then deleted', async () => {
    const cookie = `qs_flash=${encodeURIComponent(JSON.stringify({ kind: 'info', message: 'Saved <b>it</b>' }))}`
    const res = await request('/about', { headers: { cookie } })
    const html = await res.text()
    expect(html).toMatch(/<div class="notification is-info is-light" role="status">Saved &lt;b&gt;it&lt;\/b&gt;<\/div>/)
    expect(res.headers.get('set-cookie')).toMatch(/^qs_flash=;.*Max-Age=0/)
    // Without the cookie (the browser deleted it) the message is gone.
    expect(await (await request('/about')).text()).not.toContain('Saved')
  })

  it('a danger flash is announced as an alert', async () => {
    const cookie = `qs_flash=${encodeURIComponent(JSON.stringify({ kind: 'danger', message: 'Oops' }))}`
    const html = await (await request('/', { headers: { cookie } })).text()
    expect(html).toContain('<div class="notification is-danger is-light" role="alert">Oops</div>')
  })

  it.each([
    ['not JSON', 'qs_flash=%7Bnope'],
    ['unknown kind', `qs_flash=${encodeURIComponent(JSON.stringify({ kind: 'evil', message: 'x-injected' }))}`],
  ])('a mangled cookie (%s) is dropped, never shown', async (_label, cookie) => {
    const res = await request('/', { headers: { cookie } })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).not.toContain('x-injected')
    expect(html).not.toContain('class="notification')
    expect(res.headers.get('set-cookie')).toMatch(/Max-Age=0/)
  })
})
