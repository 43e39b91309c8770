import { describe, expect, it } from 'vitest'
import { request } from '../helpers/http'
import { withDb } from '../helpers/db'
import { createApiKey } from '../../src/usage/api-keys'
import { PHOTO_JPG } from '../fixtures/files/images'
import { signedInUser, text, upload } from './helpers'
import { readQuota } from '../../src/usage'
import { env } from 'cloudflare:workers'

async function apiKeyFor(userId: string): Promise<string> {
  const created = await withDb((db) => createApiKey(db, userId, 'files test', new Date()))
  if (!created.ok) throw new Error('no key')
  return created.key
}

const api = (path: string, key?: string) => request(path, { headers: key ? { authorization: `Bearer ${key}` } : {} })

describe('GET /api/v1/files (usage: requireApiKey + meter)', () => {
  it("lists the key owner's files with the browser's filters, counts one API request, and hides others' files", async () => {
    const { user, cookie } = await signedInUser()
    await upload(cookie, 'photo.jpg', PHOTO_JPG)
    await upload(cookie, 'notes.txt', text('hello'))
    const key = await apiKeyFor(user.id)
    const before = (await readQuota(env, user.id, { now: new Date() })).usage.api_requests.used
    const res = await api('/api/v1/files?kind=image', key)
    expect(res.status).toBe(200)
    const body = await res.json() as { files: { name: string; contentType: string; thumbnail: string }[]; total: number }
    expect(body.total).toBe(1)
    expect(body.files).toEqual([expect.objectContaining({ name: 'photo.jpg', contentType: 'image/jpeg', thumbnail: 'pending' })])
    expect((await readQuota(env, user.id, { now: new Date() })).usage.api_requests.used).toBe(before + 1)

    const other = await signedInUser()
    const { id } = await (await upload(other.cookie, 'theirs.txt', text('x'))).json() as { id: string }
    expect((await api(`/api/v1/files/${id}`, key)).status).toBe(404)
    expect((await api(`/api/v1/files/${id}`, await apiKeyFor(other.user.id))).status).toBe(200)
  })

  it('without a key: 401 and nothing listed', async () => {
    const res = await api('/api/v1/files')
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('Bearer')
  })
})
