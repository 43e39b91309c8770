import { describe, expect, it } from 'vitest'
import { env, exports } from 'cloudflare:workers'
import { trustedOrigins } from '../../src/platform/env'
import { request } from '../helpers/http'
import { get } from '../auth/helpers'
import { signedInUser } from './helpers'

// Issue 22, item 4: a WebAuthn RP ID cannot be an IP address, so development answers at localhost too.
describe('development at localhost as well as 127.0.0.1', () => {
  const withVars = (vars: Record<string, string>) => ({ ...env, ...vars }) as Env

  it('development trusts the loopback twin of APP_URL, on the same port only', () => {
    expect([...trustedOrigins(withVars({ ENVIRONMENT: 'development', APP_URL: 'http://127.0.0.1:8787' }))]).toEqual(['http://127.0.0.1:8787', 'http://localhost:8787'])
    expect([...trustedOrigins(withVars({ ENVIRONMENT: 'development', APP_URL: 'http://localhost:8787' }))]).toEqual(['http://localhost:8787', 'http://127.0.0.1:8787'])
    expect([...trustedOrigins(withVars({ ENVIRONMENT: 'development', APP_URL: 'https://dev.example.com' }))]).toEqual(['https://dev.example.com'])
  })

  it('production stays strict: exactly APP_URL and TRUSTED_ORIGINS', () => {
    expect([...trustedOrigins(withVars({ ENVIRONMENT: 'production', APP_URL: 'http://127.0.0.1:8787', OAUTH_STANDIN_URL: '' }))]).toEqual(['http://127.0.0.1:8787'])
    expect([...trustedOrigins(withVars({ ENVIRONMENT: 'test', APP_URL: 'http://localhost:8787' }))]).toEqual(['http://localhost:8787'])
  })

  it('the passkey button shows on a named host and not on an IP address, where the options are refused', async () => {
    const named = await (await request('/login')).text()
    expect(named).toContain('Sign in with a passkey')
    expect(named).toContain('autocomplete="username webauthn"')
    expect(named).toContain('src="/passkeys.js?v=')
    // The same app reached by an IP address (the test's APP_URL is http://localhost).
    const byIp = await exports.default.fetch(new Request('http://127.0.0.1/login'))
    expect(byIp.status).toBe(200)
    expect(await byIp.text()).not.toContain('Sign in with a passkey')
    const options = await exports.default.fetch(new Request('http://127.0.0.1/passkeys/login/options', {
      method: 'POST', headers: { origin: 'http://localhost', 'content-type': 'application/json', 'cf-connecting-ip': '10.250.0.1' }, body: '{}',
    }))
    expect(options.status).toBe(400)
    expect(((await options.json()) as { error: string }).error).toMatch(/not an IP address/)
  })

  it('settings on an IP address says passkeys are not available there instead of offering to add one', async () => {
    const { cookie } = await signedInUser()
    const named = await (await get('/settings', cookie)).text()
    expect(named).toContain('Add a passkey')
    const byIp = await exports.default.fetch(new Request('http://127.0.0.1/settings', { headers: { cookie } }))
    const html = await byIp.text()
    expect(byIp.status).toBe(200)
    expect(html).toContain('Passkeys are not available at this address.')
    expect(html).not.toContain('Add a passkey')
  })
})
