import { vi } from 'vitest'
import { createOAuthStandin, generateSigningKey } from '../../scripts/oauth-standin/standin.mjs'
import { randomIp } from '../auth/helpers'
import { postForm, request } from '../helpers/http'

// The OAuth stand-in (scripts/oauth-standin) answers the Worker's calls to OAUTH_STANDIN_URL (vitest.config.ts)
// at the fetch boundary: third-party HTTP faked with the same server the browser tests and `npm run dev` use.
export const STANDIN_URL = 'http://oauth-standin.test'

// One signing key for every stand-in of this isolate: making an RSA key was 4 CPU-s of the workers run,
// one per test (issue 21: test time). Each stand-in still has a key id of its own.
let signingKey: Promise<CryptoKeyPair> | undefined

export function installStandin(now?: () => Date) {
  signingKey ??= generateSigningKey()
  const standin = createOAuthStandin({ baseUrl: STANDIN_URL, now, keyPair: signingKey })
  // Chains onto a fetch fake already installed in this test (spyOn reuses the one spy, so its current
  // implementation is what the stand-in passes other requests to).
  const before = globalThis.fetch
  const realFetch = (vi.isMockFunction(before) ? before.getMockImplementation() : undefined) ?? before
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(String(input), init)
    return req.url.startsWith(STANDIN_URL) ? standin.handle(req) : realFetch(input, init)
  })
  return { standin, spy }
}

export type Standin = ReturnType<typeof installStandin>['standin']

/** The flow cookie a start response sets, as `name=value`. */
export function flowCookie(res: Response): string {
  const line = res.headers.getSetCookie().find((l) => l.startsWith('qs_oauth_flow='))
  if (!line) throw new Error('no flow cookie')
  return line.split(';')[0]!
}

/** Presses "Continue with …" (or "Link …" with a session cookie): the provider URL and the flow cookie. */
export async function start(provider: 'github' | 'google', init: { cookie?: string; next?: string; ip?: string; link?: boolean } = {}) {
  const headers: Record<string, string> = { 'cf-connecting-ip': init.ip ?? randomIp() }
  if (init.cookie) headers.cookie = init.cookie
  const path = init.link ? `/settings/oauth/${provider}/link` : `/oauth/${provider}`
  const res = await postForm(path, init.next ? { next: init.next } : {}, { headers })
  if (res.status !== 303) throw new Error(`start answered ${res.status}`)
  return { authorizeUrl: new URL(res.headers.get('location')!), cookie: flowCookie(res) }
}

/** Answers the stand-in's consent page; returns the URL the provider sends the browser back to. */
export async function consent(standin: Standin, authorizeUrl: URL, identity: 'verified' | 'unverified' | 'denied' | 'error', email = '', name = 'Ada Test') {
  const form = new URLSearchParams(authorizeUrl.searchParams)
  form.set('identity', identity)
  form.set('email', email)
  form.set('name', name)
  const res = await standin.handle(new Request(authorizeUrl, { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } }))
  return new URL(res.headers.get('location')!)
}

/** The browser's GET of the callback, with the flow cookie (and the session cookie when signed in). */
export function callback(url: URL, cookies: string[], ip = randomIp()) {
  return request(`${url.pathname}${url.search}`, { headers: { cookie: cookies.filter(Boolean).join('; '), 'cf-connecting-ip': ip } })
}

/** The whole round trip for a visitor: start, consent, callback. */
export async function roundTrip(standin: Standin, provider: 'github' | 'google', identity: 'verified' | 'unverified' | 'denied' | 'error', email: string, init: { cookie?: string; link?: boolean; next?: string } = {}) {
  const started = await start(provider, init)
  const back = await consent(standin, started.authorizeUrl, identity, email)
  return callback(back, [started.cookie, init.cookie ?? ''])
}
