import { describe, expect, it } from 'vitest'
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import worker from '../../src/index'

// Issue 9, finding 8. A DNS-rebinding page makes the browser send our loopback server a request whose Host
// is the attacker's name: development surfaces must not answer it, and the CSRF allow-list must not trust
// whatever Host the request names.
async function fetchWith(url: string, init: RequestInit = {}, overrides: Record<string, string> = {}): Promise<Response> {
  const ctx = createExecutionContext()
  const res = await worker.fetch!(new Request(url, { ...init, redirect: 'manual' }), { ...env, ...overrides } as Env, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

const DEV = { ENVIRONMENT: 'development' }

describe('development surfaces answer only configured host names', () => {
  it.each(['http://evil.example:8787', 'http://127.0.0.1.nip.io:8787', 'http://[::2]:8787'])('%s/dev/mail.json is refused', async (base) => {
    const res = await fetchWith(`${base}/dev/mail.json`, {}, DEV)
    expect(res.status).toBe(403)
    const body = await res.text()
    expect(body).not.toContain('"template"')
    expect(body).toContain('development page answers only')
  })

  it.each(['http://127.0.0.1:8787', 'http://localhost:8787', 'http://localhost'])('%s/dev/mail.json answers', async (base) => {
    const res = await fetchWith(`${base}/dev/mail.json`, {}, DEV)
    expect(res.status).toBe(200)
  })

  it("APP_URL's host name answers too", async () => {
    const res = await fetchWith('http://dev.myapp.test:8787/dev/mail.json', {}, { ...DEV, APP_URL: 'http://dev.myapp.test:8787' })
    expect(res.status).toBe(200)
  })
})

describe('CSRF allow-list does not come from the Host header', () => {
  const form = () => ({ method: 'POST', body: new URLSearchParams({ email: 'x@example.com', password: 'whatever pass' }) })

  it('a POST whose Origin merely equals its own Host is refused (no fetch metadata)', async () => {
    const res = await fetchWith('http://evil.example/login', { ...form(), headers: { origin: 'http://evil.example' } })
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('blocked to protect your account')
  })

  it("APP_URL's origin is accepted", async () => {
    const res = await fetchWith('http://evil.example/login', { ...form(), headers: { origin: 'http://localhost' } })
    expect(res.status).not.toBe(403)
  })

  it('an origin configured in TRUSTED_ORIGINS is accepted, others are not', async () => {
    const overrides = { TRUSTED_ORIGINS: 'https://admin.example.com, https://www.example.com' }
    const ok = await fetchWith('https://www.example.com/login', { ...form(), headers: { origin: 'https://www.example.com' } }, overrides)
    expect(ok.status).not.toBe(403)
    const refused = await fetchWith('https://other.example.com/login', { ...form(), headers: { origin: 'https://other.example.com' } }, overrides)
    expect(refused.status).toBe(403)
  })
})
