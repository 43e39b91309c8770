import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { PHOTO_JPG } from '../fixtures/files/images'
import { eq } from 'drizzle-orm'
import { ORIGIN, request } from '../helpers/http'
import { withDb } from '../helpers/db'
import { createDb } from '../../src/platform/db'
import { purgeDeletedFiles, purgeFile } from '../../src/files/deletion'
import { fileProjects } from '../../src/files/schema'
import { signedInUser, storedFor, text, upload, usageOf } from './helpers'

// Issue 19, item 12: each step of a change that spans Postgres and another service (R2, the queue, the
// meter) leaves a consistent state when a later step fails. The failing service is the binding handed to
// the Worker for that one request; everything else is real.

/** One request through the Worker with some bindings replaced, its after-response work settled. */
async function requestWith(overrides: Partial<Env>, path: string, init: RequestInit) {
  const headers = new Headers(init.headers)
  headers.set('origin', ORIGIN)
  const ctx = createExecutionContext()
  const res = await worker.fetch(new Request(new URL(path, ORIGIN), { ...init, headers, redirect: 'manual' }), { ...env, ...overrides }, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

const refusingQueue = { send: () => Promise.reject(new Error('queue unavailable')), sendBatch: () => Promise.reject(new Error('queue unavailable')) } as unknown as Queue

describe('upload: the THUMBNAILS send fails after the row is stored (12a)', () => {
  it('keeps the file and its object, marks the thumbnail failed (never a pending row), and keeps the quota it uses', async () => {
    const { user, cookie } = await signedInUser()
    const res = await requestWith({ THUMBNAILS: refusingQueue }, `/files/upload?name=photo.jpg`, { method: 'POST', body: PHOTO_JPG, headers: { cookie, 'content-length': String(PHOTO_JPG.length) } })
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({ thumbnailState: 'failed' })
    const { rows, keys } = await storedFor(user.id)
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ thumbnailState: 'failed', thumbnailKey: null })
    // The row's object exists: the file downloads.
    expect(keys).toEqual([rows[0]!.r2Key])
    expect(await usageOf(user.id)).toEqual({ bytes: PHOTO_JPG.length, files: 1, uploads: 1 })
  })
})

/** The real bucket, except that deletes fail (R2 unavailable for that step). */
const bucketRefusingDeletes = new Proxy(env.FILES, {
  get(target, prop) {
    if (prop === 'delete') return () => Promise.reject(new Error('R2 unavailable'))
    const value = Reflect.get(target, prop) as unknown
    return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
  },
})

const form = (fields: Record<string, string>, cookie: string) => ({ method: 'POST', body: new URLSearchParams(fields), headers: { cookie } })

/** Uploads a file and gives it a thumbnail object, as the thumbnailer would leave it. */
async function fileWithThumbnail(cookie: string, userId: string, projectId?: string) {
  const res = await upload(cookie, `notes-${crypto.randomUUID().slice(0, 6)}.txt`, text('delete me\n'), { projectId })
  expect(res.status).toBe(201)
  const { id } = await res.json() as { id: string }
  const row = (await storedFor(userId)).rows.find((r) => r.id === id)!
  await env.FILES.put(`${row.r2Key}.thumb.jpg`, text('thumb'))
  return row
}

async function listedIds(cookie: string): Promise<string> {
  return (await request('/files', { headers: { cookie } })).text()
}

describe('file delete: objects, then the row, with a retry path (12b)', () => {
  it('R2 fails: the file is gone for the owner and the quota freed, the row stays marked with its objects, and the sweep finishes', async () => {
    const { user, cookie } = await signedInUser()
    const row = await fileWithThumbnail(cookie, user.id)
    const res = await requestWith({ FILES: bucketRefusingDeletes }, `/files/${row.id}/delete`, form({ back: '/files' }, cookie))
    expect(res.status).toBe(303)

    const halfway = await storedFor(user.id)
    expect(halfway.rows).toHaveLength(1)
    expect(halfway.rows[0]!.deletedAt).toBeInstanceOf(Date)
    expect(halfway.keys.sort()).toEqual([row.r2Key, `${row.r2Key}.thumb.jpg`].sort())
    expect(await listedIds(cookie)).not.toContain(row.id)
    expect((await request(`/files/${row.id}/download`, { headers: { cookie } })).status).toBe(404)
    expect(await usageOf(user.id)).toMatchObject({ bytes: 0, files: 0 })
    // A second click finds nothing to delete: the quota is not given back twice.
    expect((await request(`/files/${row.id}/delete`, form({}, cookie))).status).toBe(404)
    expect(await usageOf(user.id)).toMatchObject({ bytes: 0, files: 0 })

    const swept = await withDb((db) => purgeDeletedFiles({ db, bucket: env.FILES }))
    expect(swept.purged).toBeGreaterThanOrEqual(1)
    expect(await storedFor(user.id)).toEqual({ rows: [], keys: [] })
  })

  it('Postgres fails after the objects are gone: the row stays marked (never a live row without its object), and the sweep removes it', async () => {
    const { user, cookie } = await signedInUser()
    const row = await fileWithThumbnail(cookie, user.id)
    await requestWith({ FILES: bucketRefusingDeletes }, `/files/${row.id}/delete`, form({}, cookie))
    const [marked] = (await storedFor(user.id)).rows

    // The purge's row delete against a database that refuses the connection (wrong password).
    const url = new URL(env.DATABASE_URL)
    url.password = 'not-the-password'
    const refused = createDb({ ...env, DATABASE_URL: url.toString() })
    await expect(purgeFile({ db: refused.db, bucket: env.FILES }, marked!)).rejects.toThrow()
    await refused.close()

    const halfway = await storedFor(user.id)
    expect(halfway.keys).toEqual([])
    expect(halfway.rows).toHaveLength(1)
    expect(halfway.rows[0]!.deletedAt).toBeInstanceOf(Date)
    expect(await listedIds(cookie)).not.toContain(row.id)

    await withDb((db) => purgeDeletedFiles({ db, bucket: env.FILES }))
    expect(await storedFor(user.id)).toEqual({ rows: [], keys: [] })
  })

  it('a project delete whose R2 step fails leaves its files marked (project gone), and the sweep finishes them', async () => {
    const { user, cookie } = await signedInUser()
    await request('/files/projects', form({ name: 'Doomed' }, cookie))
    const [project] = await withDb((db) => db.select().from(fileProjects).where(eq(fileProjects.userId, user.id)))
    const a = await fileWithThumbnail(cookie, user.id, project!.id)
    const b = await fileWithThumbnail(cookie, user.id, project!.id)
    const res = await requestWith({ FILES: bucketRefusingDeletes }, `/files/projects/${project!.id}/delete`, form({}, cookie))
    expect(res.status).toBe(303)
    expect(await withDb((db) => db.select().from(fileProjects).where(eq(fileProjects.userId, user.id)))).toEqual([])
    const halfway = await storedFor(user.id)
    expect(halfway.rows.map((r) => [r.id, r.deletedAt instanceof Date, r.projectId]).sort()).toEqual([[a.id, true, null], [b.id, true, null]].sort())
    expect(halfway.keys).toHaveLength(4)
    expect(await usageOf(user.id)).toMatchObject({ bytes: 0, files: 0 })

    await withDb((db) => purgeDeletedFiles({ db, bucket: env.FILES }))
    expect(await storedFor(user.id)).toEqual({ rows: [], keys: [] })
  })
})
