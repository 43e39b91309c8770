import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOAuthStandin } from '../../scripts/oauth-standin/server.mjs'
import { STANDIN_CLIENTS } from '../../scripts/oauth-standin/standin.mjs'
import { oauthDevVars } from '../../scripts/oauth-standin/dev.mjs'

// The OAuth stand-in over real HTTP (docs/oauth-standin.md), as `npm run dev` and the browser tests run it:
// the answers where it must behave like GitHub and Google, and an ID token that verifies against its JWKS.
let standin: { baseUrl: string; close: () => Promise<void> }
const redirectUri = 'http://127.0.0.1:8787/oauth/google/callback'

async function freePort(): Promise<number> {
  return new Promise((resolve) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address() as net.AddressInfo; s.close(() => resolve(port)) }) })
}
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url')

/** Consents as `identity` and returns the code the stand-in redirects with. */
async function codeFor(provider: 'github' | 'google', challenge: string, nonce = '') {
  const path = provider === 'github' ? '/github/login/oauth/authorize' : '/google/o/oauth2/v2/auth'
  const params = new URLSearchParams({ client_id: STANDIN_CLIENTS[provider].id, redirect_uri: redirectUri, response_type: 'code', state: 's1', code_challenge: challenge, code_challenge_method: 'S256', nonce, identity: 'verified', email: 'ada@example.com' })
  const page = await fetch(`${standin.baseUrl}${path}?${params}`)
  expect(page.status).toBe(200)
  expect(await page.text()).toContain('Verified address')
  const res = await fetch(`${standin.baseUrl}${path}`, { method: 'POST', body: params, redirect: 'manual' })
  return new URL(res.headers.get('location')!).searchParams.get('code')!
}

function exchange(provider: 'github' | 'google', code: string, verifier: string) {
  const path = provider === 'github' ? '/github/login/oauth/access_token' : '/google/token'
  const auth = Buffer.from(`${STANDIN_CLIENTS[provider].id}:${STANDIN_CLIENTS[provider].secret}`).toString('base64')
  return fetch(`${standin.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Basic ${auth}`, accept: 'application/json' }, body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }) })
}

beforeAll(async () => { standin = await startOAuthStandin({ port: await freePort() }) })
afterAll(async () => { await standin?.close() })

describe('the OAuth stand-in over HTTP', () => {
  const verifier = 'v'.repeat(50)
  const challenge = () => crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)).then((d) => b64url(new Uint8Array(d)))

  it('Google: an RS256 ID token that verifies against the JWK set, with the nonce; a replayed code is 400 invalid_grant', async () => {
    const code = await codeFor('google', await challenge(), 'n-123')
    const res = await exchange('google', code, verifier)
    expect(res.status).toBe(200)
    const { id_token: idToken } = await res.json() as { id_token: string }
    const [head, body, signature] = idToken.split('.') as [string, string, string]
    const { keys } = await (await fetch(`${standin.baseUrl}/google/oauth2/v3/certs`)).json() as { keys: JsonWebKey[] }
    const key = await crypto.subtle.importKey('jwk', keys[0]!, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify'])
    expect(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, Buffer.from(signature, 'base64url'), new TextEncoder().encode(`${head}.${body}`))).toBe(true)
    expect(JSON.parse(Buffer.from(body, 'base64url').toString())).toMatchObject({ iss: `${standin.baseUrl}/google`, aud: STANDIN_CLIENTS.google.id, email: 'ada@example.com', email_verified: true, nonce: 'n-123' })

    const replay = await exchange('google', code, verifier)
    expect(replay.status).toBe(400)
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' })
  })

  it('GitHub: a wrong verifier is refused with 200 and an error body (as GitHub does); the profile needs the token', async () => {
    const refused = await exchange('github', await codeFor('github', await challenge()), 'w'.repeat(50))
    expect(refused.status).toBe(200)
    expect(await refused.json()).toMatchObject({ error: 'bad_verification_code' })

    const ok = await exchange('github', await codeFor('github', await challenge()), verifier)
    const { access_token: token } = await ok.json() as { access_token: string }
    const emails = await fetch(`${standin.baseUrl}/github/api/user/emails`, { headers: { authorization: `Bearer ${token}` } })
    expect(await emails.json()).toEqual([{ email: 'ada@example.com', primary: true, verified: true, visibility: 'private' }])
    expect((await fetch(`${standin.baseUrl}/github/api/user`)).status).toBe(401)
  })

  it('npm run dev starts it without provider keys and points the app at it', async () => {
    const saved = { github: process.env.GITHUB_CLIENT_ID, google: process.env.GOOGLE_CLIENT_ID }
    Object.assign(process.env, { GITHUB_CLIENT_ID: '', GOOGLE_CLIENT_ID: '' })
    const dev = await oauthDevVars({ port: await freePort() })
    try {
      expect(dev.vars).toMatchObject({ GITHUB_CLIENT_ID: STANDIN_CLIENTS.github.id, GOOGLE_CLIENT_SECRET: STANDIN_CLIENTS.google.secret, OAUTH_STANDIN_URL: dev.standin!.baseUrl })
      expect((await fetch(`${dev.standin!.baseUrl}/health`)).status).toBe(200)
    } finally {
      await dev.standin?.close()
      for (const [name, value] of [['GITHUB_CLIENT_ID', saved.github], ['GOOGLE_CLIENT_ID', saved.google]] as const) {
        if (value === undefined) Reflect.deleteProperty(process.env, name)
        else process.env[name] = value
      }
    }
  })

  it('npm run dev leaves it out when real provider keys are set', async () => {
    const saved = process.env.GITHUB_CLIENT_ID
    process.env.GITHUB_CLIENT_ID = 'Iv1.realclientid'
    try {
      expect(await oauthDevVars({ port: 1 })).toMatchObject({ standin: null, vars: { OAUTH_STANDIN_URL: '' } })
    } finally {
      if (saved === undefined) Reflect.deleteProperty(process.env, 'GITHUB_CLIENT_ID')
      else process.env.GITHUB_CLIENT_ID = saved
    }
  })
})
