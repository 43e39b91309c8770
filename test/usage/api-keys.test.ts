import { env } from 'cloudflare:workers'
import { eq } from 'drizzle-orm'
import { sha256 } from '@oslojs/crypto/sha2'
import { encodeHexLowerCase } from '@oslojs/encoding'
import { beforeAll, describe, expect, it } from 'vitest'
import { withDb } from '../helpers/db'
import { request } from '../helpers/http'
import { createTestUser, get, loginCookie, post } from '../auth/helpers'
import { KEY, api, createKey } from './helpers'
import { apiKeys } from '../../src/usage/schema'
import { configureMeter } from '../../src/usage/quota'
import { calendarMonth } from '../../src/usage/period'
import { API_KEY_CHANGES } from '../../src/usage/api-keys-page'
import { API_KEYS_SHOWN } from '../../src/usage/api-keys'

const LIMITS = { storageBytes: 1_000_000, fileCount: 100, uploadsPerMonth: 100, apiRequestsPerMonth: 1000 }

async function signedIn(opts: { verified?: boolean } = {}) {
  const user = await createTestUser(opts)
  return { user, cookie: await loginCookie(user.email) }
}



// The first log-in of a file loads and compiles the password hasher: on a busy machine that alone can
// outlast a test's timeout, so it happens here, once, with room to spare.
beforeAll(async () => { await signedIn() }, 120_000)

describe('API keys in settings', () => {
  it('a key is shown once, only its hash is stored, and the list shows its prefix and last use', async () => {
    const { user, cookie } = await signedIn()
    const res = await post('/settings/api-keys', { name: 'Deploy bot' }, cookie)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const html = await res.text()
    const key = KEY.exec(html)![0]
    expect(html).toContain('shown only this once')

    const [row] = await withDb((db) => db.select().from(apiKeys).where(eq(apiKeys.userId, user.id)))
    const [, prefix, secret] = /^qs_(\w{8})_(\w{32})$/.exec(key)!
    expect(row).toMatchObject({ name: 'Deploy bot', prefix, lastUsedAt: null, revokedAt: null })
    expect(row.secretHash).toBe(encodeHexLowerCase(sha256(new TextEncoder().encode(secret))))
    expect(JSON.stringify(row)).not.toContain(secret)

    const list = await (await get('/settings/api-keys', cookie)).text()
    expect(list).toContain('Deploy bot')
    expect(list).toContain(`qs_${prefix}_…`)
    expect(list).not.toContain(secret)
    expect(list).toContain('Never')

    expect((await api('/api/v1/usage', key)).status).toBe(200)
    const [used] = await withDb((db) => db.select().from(apiKeys).where(eq(apiKeys.id, row.id)))
    expect(used.lastUsedAt).not.toBeNull()
  })

  it('the list is bounded: every active key, the latest revoked ones up to API_KEYS_SHOWN, and a note for the rest (issue 19, item 13)', async () => {
    const { user, cookie } = await signedIn()
    const key = await createKey(cookie, 'Still active')
    const prefix = () => Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => 'abcdefghijklmnopqrstuvwxyz234567'[b % 32]).join('')
    const day = (i: number) => new Date(Date.UTC(2025, 0, 1 + i))
    // More revoked keys than one list holds; "revoked 0" is the oldest.
    await withDb((db) => db.insert(apiKeys).values(Array.from({ length: API_KEYS_SHOWN + 3 }, (_, i) =>
      ({ userId: user.id, name: `revoked ${i}`, prefix: prefix(), secretHash: 'x'.repeat(64), createdAt: day(i), revokedAt: day(i) }))))
    const html = await (await get('/settings/api-keys', cookie)).text()
    expect(html.match(/<tr>/g)).toHaveLength(API_KEYS_SHOWN + 1) // the header row and API_KEYS_SHOWN keys
    expect(html).toContain('Still active')
    expect(html).toContain(`revoked ${API_KEYS_SHOWN + 2}`)
    expect(html).not.toContain('revoked 3<')
    expect(html).toContain('4 older revoked keys are not shown.')
    // The htmx fragment after a revoke has the same shape and the same note.
    const id = (await withDb((db) => db.select().from(apiKeys).where(eq(apiKeys.prefix, KEY.exec(key)![0].slice(3, 11)))))[0].id
    const fragment = await (await post(`/settings/api-keys/${id}/revoke`, {}, cookie, { headers: { 'hx-request': 'true' } })).text()
    expect(fragment).toMatch(/^<div id="api-keys">/)
    expect(fragment).toContain('4 older revoked keys are not shown.')
  })

  it('a revoked key answers 401 at once', async () => {
    const { user, cookie } = await signedIn()
    const key = await createKey(cookie)
    expect((await api('/api/v1/usage', key)).status).toBe(200)
    const [row] = await withDb((db) => db.select().from(apiKeys).where(eq(apiKeys.userId, user.id)))
    const res = await post(`/settings/api-keys/${row.id}/revoke`, {}, cookie)
    expect(res.status).toBe(303)
    const after = await api('/api/v1/usage', key)
    expect(after.status).toBe(401)
    expect(await after.json()).toMatchObject({ error: { code: 'invalid_api_key' } })
    expect(await (await get('/settings/api-keys', cookie)).text()).toContain('Revoked')
  })

  it('validates the name (422 at the field) and caps the number of active keys', async () => {
    const { cookie } = await signedIn()
    const empty = await post('/settings/api-keys', { name: '   ' }, cookie, { htmx: true })
    expect(empty.status).toBe(422)
    expect(await empty.text()).toContain('Give the key a name.')
    const long = await post('/settings/api-keys', { name: 'x'.repeat(61) }, cookie)
    expect(long.status).toBe(422)
    for (let i = 0; i < 10; i++) await createKey(cookie, `key ${i}`)
    const tooMany = await post('/settings/api-keys', { name: 'eleventh' }, cookie)
    expect(tooMany.status).toBe(422)
    expect(await tooMany.text()).toContain('already have 10 active keys')
  })

  it('key changes are throttled per account (checklist 23)', async () => {
    const { user, cookie } = await signedIn()
    const [row] = await withDb(async (db) => {
      const { createApiKey } = await import('../../src/usage/api-keys')
      const r = await createApiKey(db, user.id, 'x', new Date())
      if (!r.ok) throw new Error('key not created')
      return [r.row]
    })
    // Revoking an already revoked key still counts as a change attempt.
    for (let i = 0; i < API_KEY_CHANGES.max; i++) await post(`/settings/api-keys/${row.id}/revoke`, {}, cookie)
    const res = await post('/settings/api-keys', { name: 'one more' }, cookie)
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('CSRF: a cross-site create is refused (checklist 14)', async () => {
    const { user, cookie } = await signedIn()
    const res = await post('/settings/api-keys', { name: 'evil' }, cookie, { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } })
    expect(res.status).toBe(403)
    expect(await withDb((db) => db.select().from(apiKeys).where(eq(apiKeys.userId, user.id)))).toHaveLength(0)
  })

  it('body limit: an oversized form is 413, nothing created', async () => {
    const { user, cookie } = await signedIn()
    const res = await post('/settings/api-keys', { name: 'x'.repeat(20_000) }, cookie)
    expect(res.status).toBe(413)
    expect(await withDb((db) => db.select().from(apiKeys).where(eq(apiKeys.userId, user.id)))).toHaveLength(0)
  })

  it('authorization: signed out goes to log in, unverified is told to verify, another user cannot revoke your key', async () => {
    const signedOut = await get('/settings/api-keys')
    expect(signedOut.status).toBe(303)
    expect(signedOut.headers.get('location')).toContain('/login')
    const { cookie: unverified } = await signedIn({ verified: false })
    expect((await post('/settings/api-keys', { name: 'x' }, unverified)).status).toBe(403)

    const a = await signedIn()
    const key = await createKey(a.cookie)
    const [row] = await withDb((db) => db.select().from(apiKeys).where(eq(apiKeys.userId, a.user.id)))
    const b = await signedIn()
    expect((await post(`/settings/api-keys/${row.id}/revoke`, {}, b.cookie)).status).toBe(404)
    expect((await post('/settings/api-keys/not-a-uuid/revoke', {}, b.cookie)).status).toBe(404)
    expect((await api('/api/v1/usage', key)).status).toBe(200)
  })
})

describe('the JSON API', () => {
  it('answers without a key, with a malformed key, or with only a session cookie: 401 JSON', async () => {
    const { cookie } = await signedIn()
    for (const res of [await api('/api/v1/usage'), await api('/api/v1/usage', 'qs_nope'), await get('/api/v1/usage', cookie)]) {
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toContain('Bearer')
      const body = await res.json() as { error: { code: string; message: string; request_id: string } }
      expect(['unauthorized', 'invalid_api_key']).toContain(body.error.code)
      expect(body.error.message.length).toBeGreaterThan(0)
      expect(body.error.request_id).toBe(res.headers.get('x-request-id'))
    }
  })

  it("another user's key never sees your data", async () => {
    const a = await signedIn()
    const b = await signedIn()
    const keyA = await createKey(a.cookie)
    const keyB = await createKey(b.cookie)
    for (let i = 0; i < 3; i++) expect((await api('/api/v1/usage', keyA)).status).toBe(200)
    const seenByA = await (await api('/api/v1/usage', keyA)).json() as { usage: { api_requests: { used: number } } }
    const seenByB = await (await api('/api/v1/usage', keyB)).json() as { usage: { api_requests: { used: number } } }
    expect(seenByA.usage.api_requests.used).toBe(4)
    expect(seenByB.usage.api_requests.used).toBe(1)
  })

  it('over the limit: 429 JSON naming the limit, Retry-After, a link to /pricing; not counted', async () => {
    const { user, cookie } = await signedIn()
    const key = await createKey(cookie)
    const period = calendarMonth(Date.now())
    await configureMeter(env, { userId: user.id, limits: { ...LIMITS, apiRequestsPerMonth: 2 }, periodStart: period.start, periodEnd: period.end }, new Date())
    expect((await api('/api/v1/usage', key)).status).toBe(200)
    const second = await api('/api/v1/usage', key)
    expect(second.status).toBe(200)
    expect(second.headers.get('ratelimit-remaining')).toBe('0')
    const res = await api('/api/v1/usage', key)
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    const body = await res.json() as { error: Record<string, unknown> }
    expect(body.error).toMatchObject({ code: 'quota_exceeded', metric: 'api_requests', used: 2, limit: 2, upgrade_url: 'http://localhost/pricing' })
    expect(String(body.error.message)).toContain('API requests')
    // An upgrade lifts it on the next request.
    await configureMeter(env, { userId: user.id, limits: { ...LIMITS, apiRequestsPerMonth: 3 }, periodStart: period.start, periodEnd: period.end }, new Date())
    expect((await api('/api/v1/usage', key)).status).toBe(200)
  })

  it('unknown endpoints and methods answer in the same JSON shape, never HTML', async () => {
    const { cookie } = await signedIn()
    const key = await createKey(cookie)
    const res = await api('/api/v1/nothing-here', key)
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toContain('application/json')
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } })
  })
})

describe('GET /api/v1/ping', () => {
  it('checks a key without counting a request', async () => {
    const { user, cookie } = await signedIn()
    const key = await createKey(cookie)
    const res = await api('/api/v1/ping', key)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, key: `${key.slice(0, 11)}_…` })
    expect((await api('/api/v1/ping', 'qs_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb')).status).toBe(401)
    const { readQuota } = await import('../../src/usage/quota')
    expect((await readQuota(env, user.id, { now: new Date() })).usage.api_requests.used).toBe(0)
  })
})
