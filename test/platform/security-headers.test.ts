import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import worker from '../../src/index'
import { postForm, request } from '../helpers/http'

// Security checklist 15 (ASVS 3.4.1, 3.4.3–3.4.6): every response, whatever its status or type.
const responses: [string, () => Promise<Response>][] = [
  ['GET / (200 page)', () => request('/')],
  ['GET /contact (200 page)', () => request('/contact')],
  ['GET /health (JSON)', () => request('/health')],
  ['GET unknown (404)', () => request('/missing-page')],
  ['htmx 404 fragment', () => request('/missing-page', { htmx: true })],
  ['POST /contact invalid (422)', () => postForm('/contact', { name: '' })],
  ['POST /contact cross-origin (403)', () => postForm('/contact', {}, { headers: { origin: 'https://evil.example' } })],
]

function directives(csp: string): Map<string, string> {
  return new Map(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name, ...values] = d.split(/\s+/)
    return [name, values.join(' ')]
  }))
}

describe('security headers', () => {
  it.each(responses)('%s carries CSP, nosniff, Referrer-Policy and frame protection', async (_label, send) => {
    const res = await send()
    const csp = res.headers.get('content-security-policy')
    expect(csp).toBeTruthy()
    const d = directives(csp!)
    expect(d.get('object-src')).toBe("'none'")
    expect(d.get('base-uri')).toBe("'none'")
    expect(d.get('frame-ancestors')).toBe("'none'")
    expect(d.get('default-src')).toBe("'self'")
    expect(d.get('script-src')).toBe("'self'")
    expect(d.get('style-src')).toBe("'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).not.toContain('unsafe-eval')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('referrer-policy')).toBe('strict-origin')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('x-request-id')).toBeTruthy()
    // Outside production (tests run with ENVIRONMENT=test) there is no HSTS.
    expect(res.headers.get('strict-transport-security')).toBeNull()
  })

  it('HSTS is at least one year with includeSubDomains in production', async () => {
    const ctx = createExecutionContext()
    const res = await worker.fetch(new Request('https://app.example.com/'), { ...env, ENVIRONMENT: 'production' }, ctx)
    await waitOnExecutionContext(ctx)
    expect(res.status).toBe(200)
    const hsts = res.headers.get('strict-transport-security') ?? ''
    const maxAge = Number(/max-age=(\d+)/.exec(hsts)?.[1] ?? 0)
    expect(maxAge).toBeGreaterThanOrEqual(31_536_000)
    expect(hsts).toMatch(/includeSubDomains/)
  })

  it('no HSTS in development (it would pin https on 127.0.0.1)', async () => {
    const ctx = createExecutionContext()
    const res = await worker.fetch(new Request('http://127.0.0.1:8787/'), { ...env, ENVIRONMENT: 'development' }, ctx)
    await waitOnExecutionContext(ctx)
    expect(res.status).toBe(200)
    expect(res.headers.get('strict-transport-security')).toBeNull()
    expect(res.headers.get('content-security-policy')).toContain("object-src 'none'")
  })

  it('pages use no inline script, inline style or style attribute (what the CSP forbids)', async () => {
    for (const path of ['/', '/about', '/contact', '/missing-page']) {
      const html = await (await request(path)).text()
      expect(html, path).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
      expect(html, path).not.toMatch(/<style[\s>]/)
      expect(html, path).not.toMatch(/\sstyle="/)
      expect(html, path).not.toMatch(/\son[a-z]+="/)
    }
  })

  it('htmx runs without eval or script tags and only talks to this origin (checklist 15)', async () => {
    const html = await (await request('/')).text()
    const meta = /<meta name="htmx-config" content="([^"]*)"/.exec(html)
    expect(meta).not.toBeNull()
    const config = JSON.parse(meta![1]!.replaceAll('&quot;', '"'))
    expect(config).toMatchObject({ allowEval: false, allowScriptTags: false, selfRequestsOnly: true })
  })
})
