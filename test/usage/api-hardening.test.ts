import { env, exports } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { request } from '../helpers/http'
import { createTestUser, loginCookie, post } from '../auth/helpers'
import { configureMeter } from '../../src/usage/quota'
import { calendarMonth } from '../../src/usage/period'

// Issue 19, finding 9 (hardening), the API's side.

const KEY = /qs_[a-z2-7]{8}_[a-z2-7]{32}/

async function keyForNewUser() {
  const user = await createTestUser()
  const cookie = await loginCookie(user.email)
  const key = KEY.exec(await (await post('/settings/api-keys', { name: 'hardening' }, cookie)).text())![0]
  return { user, key }
}

beforeAll(async () => { await createTestUser() }, 120_000)

describe('/api/v1 hardening', () => {
  it.each(['/api/v1/usage', '/api/v1/ping', '/api/v1/files', '/api/v1/files/00000000-0000-0000-0000-000000000000'])(
    'a method %s does not serve gets 405 with Allow, in the JSON shape, key or not', async (path) => {
      const { key } = await keyForNewUser()
      for (const headers of [{ authorization: `Bearer ${key}` }, {}] as Record<string, string>[]) {
        for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
          const res = await request(path, { method, headers })
          expect(res.status, `${method} ${path}`).toBe(405)
          expect(res.headers.get('allow')).toBe('GET, HEAD')
          expect(await res.json()).toMatchObject({ error: { code: 'method_not_allowed' } })
        }
      }
    })

  it('the 429 body\'s upgrade_url comes from APP_URL, never from the Host the request came in on', async () => {
    const { user, key } = await keyForNewUser()
    const now = new Date()
    const period = calendarMonth(now.getTime())
    await configureMeter(env, { userId: user.id, limits: { storageBytes: 1, fileCount: 1, uploadsPerMonth: 1, apiRequestsPerMonth: 0 }, periodStart: period.start, periodEnd: period.end }, now)
    // Host poisoning: the request names another host than the app's.
    const res = await exports.default.fetch(new Request('http://127.0.0.1/api/v1/usage', { headers: { authorization: `Bearer ${key}` } }))
    // 127.0.0.1 is on the host allow-list in development and tests (ADR 0026), so the request gets through.
    expect(res.status).toBe(429)
    const body = await res.json() as { error: { upgrade_url: string } }
    expect(body.error.upgrade_url).toBe(new URL('/pricing', env.APP_URL).toString())
    const own = await request('/api/v1/usage', { headers: { authorization: `Bearer ${key}` } })
    expect(own.status).toBe(429)
    expect((await own.json() as { error: { upgrade_url: string } }).error.upgrade_url).toBe(new URL('/pricing', env.APP_URL).toString())
  })
})
