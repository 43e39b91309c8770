import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { PHOTO_JPG } from '../fixtures/files/images'
import { ORIGIN } from '../helpers/http'
import { signedInUser, storedFor, usageOf } from './helpers'

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
