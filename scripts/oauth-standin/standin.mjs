// A local stand-in for GitHub's OAuth and Google's OpenID Connect endpoints (docs/oauth-standin.md), as one
// Web-standard handler: Node serves it for `npm run dev` and the browser tests (server.mjs), and the workers
// tests answer the Worker's fetch calls with it directly. It behaves like the real services wherever that
// changes the app's behaviour: codes are single-use and expire after 10 minutes, the redirect_uri and the
// PKCE verifier are checked at the token endpoint, GitHub answers token errors with 200 and an error body
// while Google answers 400/401, and Google's ID token is an RS256 JWT carrying the nonce it was asked for.
import { consentPage } from './pages.mjs'

export const STANDIN_CLIENTS = {
  github: { id: 'standin-github-client', secret: 'standin-github-secret' },
  google: { id: 'standin-google-client.apps.googleusercontent.com', secret: 'standin-google-secret' },
}
export const IDENTITIES = ['verified', 'unverified', 'denied', 'error']
const CODE_TTL_MS = 10 * 60_000

const enc = new TextEncoder()
// btoa rather than Buffer: the same file runs in Node and inside workerd (the workers tests).
const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
// Bytes decoded here: workerd warns on .text() of a form body (the workers tests run this handler inside it).
const formOf = async (request) => new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()))
const json = (body, status = 200, headers = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } })
const random = (n = 20) => b64url(crypto.getRandomValues(new Uint8Array(n)))
const sha256 = async (text) => new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(text)))

/** A stable provider id per address, so the same test identity signs in as the same provider account. */
async function providerUserId(provider, email) {
  const digest = await sha256(`${provider}:${email}`)
  const n = new DataView(digest.buffer).getUint32(0) % 900_000_000 + 100_000_000
  return provider === 'github' ? n : `1${String(n)}${String(new DataView(digest.buffer).getUint32(4)).padStart(10, '0')}`
}

/** Google's ID-token signing key: RSA 2048, RS256. */
export function generateSigningKey() {
  return crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])
}

// `keyPair`: a stand-in per test can share one key (an RSA key costs about 0.1 CPU-s to make); each
// stand-in still publishes it under a key id of its own.
export function createOAuthStandin({ baseUrl, now = () => new Date(), keyPair = generateSigningKey() }) {
  const codes = new Map()
  const tokens = new Map()
  const kid = random(8)
  const googleIssuer = `${baseUrl}/google`

  async function signJwt(claims) {
    const { privateKey } = await keyPair
    const head = b64url(enc.encode(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' })))
    const body = b64url(enc.encode(JSON.stringify(claims)))
    const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', privateKey, enc.encode(`${head}.${body}`))
    return `${head}.${body}.${b64url(new Uint8Array(signature))}`
  }

  // GitHub: 200 with an error body (its documented behaviour for a bad code); Google: 400, or 401 for the client.
  const tokenError = (provider, error, description) =>
    provider === 'github'
      ? json({ error, error_description: description, error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors' })
      : json({ error, error_description: description }, error === 'invalid_client' ? 401 : 400)

  function authorizeParams(provider, params) {
    const client = STANDIN_CLIENTS[provider]
    if (params.get('client_id') !== client.id) return { problem: `Unknown client_id ${params.get('client_id') ?? '(none)'}: use ${client.id}.` }
    if (!params.get('redirect_uri')) return { problem: 'redirect_uri is missing.' }
    if (provider === 'google' && params.get('response_type') !== 'code') return { problem: 'response_type must be code.' }
    return { problem: null }
  }

  async function decide(provider, form) {
    const redirect = new URL(form.get('redirect_uri'))
    const state = form.get('state') ?? ''
    const identity = IDENTITIES.includes(form.get('identity')) ? form.get('identity') : 'verified'
    if (identity === 'denied') {
      redirect.searchParams.set('error', 'access_denied')
      redirect.searchParams.set('error_description', 'The user has denied your application access.')
      redirect.searchParams.set('state', state)
      return new Response(null, { status: 302, headers: { location: redirect.toString() } })
    }
    const email = (form.get('email') || `${identity}-${random(5).toLowerCase()}@standin.example`).trim().toLowerCase()
    const code = random()
    codes.set(code, {
      provider, email, identity,
      name: form.get('name') || 'Stand-in User',
      login: email.split('@')[0].replace(/[^a-z0-9-]/g, '-'),
      clientId: form.get('client_id'), redirectUri: form.get('redirect_uri'),
      challenge: form.get('code_challenge') || null, challengeMethod: form.get('code_challenge_method') || null,
      nonce: form.get('nonce') || null, scope: form.get('scope') || '',
      expiresAt: now().getTime() + CODE_TTL_MS,
    })
    redirect.searchParams.set('code', code)
    redirect.searchParams.set('state', state)
    return new Response(null, { status: 302, headers: { location: redirect.toString() } })
  }

  async function exchange(provider, request) {
    const form = await formOf(request)
    const client = STANDIN_CLIENTS[provider]
    const basic = (request.headers.get('authorization') ?? '').replace(/^Basic /, '')
    const [id, secret] = basic ? atob(basic).split(':').map(decodeURIComponent) : [form.get('client_id'), form.get('client_secret')]
    if (id !== client.id || secret !== client.secret) return tokenError(provider, provider === 'github' ? 'incorrect_client_credentials' : 'invalid_client', 'The client_id and/or client_secret passed are incorrect.')
    const code = form.get('code') ?? ''
    const grant = codes.get(code)
    // Single use: the first exchange spends the code, whatever its outcome (a replay always fails).
    codes.delete(code)
    if (!grant || grant.provider !== provider || grant.expiresAt <= now().getTime()) {
      return provider === 'github' ? tokenError(provider, 'bad_verification_code', 'The code passed is incorrect or expired.') : tokenError(provider, 'invalid_grant', 'Bad Request')
    }
    if (form.get('redirect_uri') !== grant.redirectUri) return tokenError(provider, 'redirect_uri_mismatch', 'The redirect_uri MUST match the registered callback URL for this application.')
    if (grant.challenge) {
      const verifier = form.get('code_verifier') ?? ''
      const expected = grant.challengeMethod === 'S256' ? b64url(await sha256(verifier)) : verifier
      if (verifier === '' || expected !== grant.challenge) return tokenError(provider, provider === 'github' ? 'bad_verification_code' : 'invalid_grant', provider === 'github' ? 'The code_verifier does not match the code_challenge.' : 'Invalid code verifier.')
    }
    // The "error" identity: the provider fails while the app exchanges the code (an outage, a 500).
    if (grant.identity === 'error') return new Response('Internal Server Error', { status: 500, headers: { 'content-type': 'text/plain' } })
    const accessToken = `${provider === 'github' ? 'gho_' : 'ya29.'}${random(24)}`
    const sub = await providerUserId(provider, grant.email)
    tokens.set(accessToken, { ...grant, sub })
    if (provider === 'github') return json({ access_token: accessToken, token_type: 'bearer', scope: grant.scope.replace(/ /g, ',') })
    const iat = Math.floor(now().getTime() / 1000)
    const idToken = await signJwt({
      iss: googleIssuer, azp: grant.clientId, aud: grant.clientId, sub, email: grant.email, email_verified: grant.identity === 'verified',
      name: grant.name, ...(grant.nonce ? { nonce: grant.nonce } : {}), iat, exp: iat + 3600,
    })
    return json({ access_token: accessToken, expires_in: 3599, scope: grant.scope, token_type: 'Bearer', id_token: idToken })
  }

  function githubUser(request, path) {
    const token = (request.headers.get('authorization') ?? '').replace(/^(Bearer|token) /i, '')
    const grant = tokens.get(token)
    if (!grant) return json({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' }, 401)
    if (path === '/github/api/user') return json({ id: grant.sub, login: grant.login, name: grant.name, email: null, type: 'User' })
    return json([{ email: grant.email, primary: true, verified: grant.identity === 'verified', visibility: 'private' }])
  }

  async function handle(request) {
    const url = new URL(request.url)
    const path = url.pathname
    const method = request.method
    const authorize = { '/github/login/oauth/authorize': 'github', '/google/o/oauth2/v2/auth': 'google' }[path]
    if (authorize && method === 'GET') {
      const { problem } = authorizeParams(authorize, url.searchParams)
      return new Response(consentPage({ provider: authorize, params: url.searchParams, problem }), { status: problem ? 400 : 200, headers: { 'content-type': 'text/html; charset=utf-8' } })
    }
    if (authorize && method === 'POST') return decide(authorize, await formOf(request))
    if (path === '/github/login/oauth/access_token' && method === 'POST') return exchange('github', request)
    if (path === '/google/token' && method === 'POST') return exchange('google', request)
    if ((path === '/github/api/user' || path === '/github/api/user/emails') && method === 'GET') return githubUser(request, path)
    if (path === '/google/oauth2/v3/certs') {
      const jwk = await crypto.subtle.exportKey('jwk', (await keyPair).publicKey)
      return json({ keys: [{ kty: jwk.kty, n: jwk.n, e: jwk.e, alg: 'RS256', use: 'sig', kid }] })
    }
    if (path === '/google/.well-known/openid-configuration') {
      return json({ issuer: googleIssuer, authorization_endpoint: `${baseUrl}/google/o/oauth2/v2/auth`, token_endpoint: `${baseUrl}/google/token`, jwks_uri: `${baseUrl}/google/oauth2/v3/certs`, id_token_signing_alg_values_supported: ['RS256'] })
    }
    if (path === '/' || path === '/health') return json({ ok: true, providers: Object.keys(STANDIN_CLIENTS) })
    return json({ message: 'Not Found' }, 404)
  }

  return { baseUrl, handle, codes }
}
