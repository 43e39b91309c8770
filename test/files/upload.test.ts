import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { PHOTO_JPG, SMALL_PNG } from '../fixtures/files/images'
import { eq } from 'drizzle-orm'
import { request } from '../helpers/http'
import { withDb } from '../helpers/db'
import { fileProjects } from '../../src/files/schema'
import { sha256Hex, signedInUser, storedFor, text, upload, usageOf } from './helpers'

const nothingStored = async (userId: string) => {
  const stored = await storedFor(userId)
  expect(stored.rows).toEqual([])
  expect(stored.keys).toEqual([])
  expect(await usageOf(userId)).toEqual({ bytes: 0, files: 0, uploads: 0 })
}

describe('upload: streamed to R2, sniffed, metered', () => {
  it('stores a JPEG under a server-made key with its sniffed type, SHA-256 and a pending thumbnail; consumes quota', async () => {
    const { user, cookie } = await signedInUser()
    const res = await upload(cookie, 'Holiday ☀.jpg', PHOTO_JPG, { headers: { 'content-type': 'text/html' } })
    expect(res.status).toBe(201)
    const body = await res.json() as { id: string; contentType: string; thumbnailState: string; sha256: string }
    expect(body).toMatchObject({ contentType: 'image/jpeg', thumbnailState: 'pending', sha256: await sha256Hex(PHOTO_JPG) })
    const { rows, keys } = await storedFor(user.id)
    expect(rows).toHaveLength(1)
    expect(rows[0]!.name).toBe('Holiday ☀.jpg')
    expect(rows[0]!.r2Key).toMatch(new RegExp(`^${user.id}/[0-9a-f-]{36}$`))
    expect(keys).toEqual([rows[0]!.r2Key])
    const object = await env.FILES.get(rows[0]!.r2Key)
    expect(new Uint8Array(await object!.arrayBuffer())).toEqual(PHOTO_JPG)
    expect(await usageOf(user.id)).toEqual({ bytes: PHOTO_JPG.length, files: 1, uploads: 1 })
  })

  it('a text file is stored as text/plain with no thumbnail', async () => {
    const { user, cookie } = await signedInUser()
    const res = await upload(cookie, 'notes.txt', text('Shopping: milk, bread\n'))
    expect(res.status).toBe(201)
    expect(await res.json()).toMatchObject({ contentType: 'text/plain; charset=utf-8', thumbnailState: 'none' })
    expect((await storedFor(user.id)).rows).toHaveLength(1)
  })
})

describe('upload: bad input is refused with a clear message and nothing is stored', () => {
  const cases: Array<[string, string, Uint8Array, number, RegExp]> = [
    ['a .jpg that is really HTML', 'photo.jpg', text('<!doctype html><html><script>alert(1)</script></html>'), 415, /HTML, SVG and other markup/],
    ['an SVG with a script', 'logo.svg', text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 415, /markup files are not accepted/],
    ['an SVG named .txt', 'logo.txt', text('\uFEFF  <svg onload="alert(1)"></svg>'), 415, /markup/],
    ['a PNG named .jpg', 'photo.jpg', SMALL_PNG, 415, /PNG image but is named "\.jpg"/],
    ['an executable', 'setup.exe', new Uint8Array([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]), 415, /not accepted/],
    ['a name with a path separator', '../../etc/passwd.txt', text('x'), 422, /cannot contain \/ or \\/],
    ['a name with a backslash', 'dir\\file.txt', text('x'), 422, /cannot contain/],
    ['a name with control characters', 'bad\u0007name.txt', text('x'), 422, /control characters/],
    ['a name with a bidi override', 'gpj\u202Eexe.txt', text('x'), 422, /control characters/],
    ['a 300-character name', `${'a'.repeat(296)}.txt`, text('x'), 422, /at most 255 characters/],
    ['an empty name', '   ', text('x'), 422, /File name is required/],
  ]
  for (const [label, name, bytes, status, message] of cases) {
    it(label, async () => {
      const { user, cookie } = await signedInUser()
      const res = await upload(cookie, name, bytes)
      expect(res.status).toBe(status)
      expect((await res.json() as { error: string }).error).toMatch(message)
      await nothingStored(user.id)
    })
  }

  it('an empty file', async () => {
    const { user, cookie } = await signedInUser()
    const res = await upload(cookie, 'empty.txt', new Uint8Array(0))
    expect(res.status).toBe(422)
    expect(await res.json()).toEqual({ error: 'This file is empty.' })
    await nothingStored(user.id)
  })

  it('an oversized file is refused from its declared length, before any byte is read (checklist 30)', async () => {
    const { user, cookie } = await signedInUser()
    let pulled = 0
    const body = new ReadableStream({ pull(controller) { pulled++; controller.enqueue(new Uint8Array(1024)) } })
    const res = await upload(cookie, 'big.zip', body, { headers: { 'content-length': String(Number(env.FILES_MAX_UPLOAD_BYTES) + 1) } })
    expect(res.status).toBe(413)
    expect((await res.json() as { error: string }).error).toBe('This file is too large: the limit is 25 MiB.')
    // The runtime's own request pipe may pull a chunk or two ahead (workerd 1.20261117 pulls two); an app
    // that read the body would pull far more of the 25 MiB it declared.
    expect(pulled).toBeLessThanOrEqual(4)
    await nothingStored(user.id)
  })

  it('an upload without a declared length is refused (411)', async () => {
    const { user, cookie } = await signedInUser()
    const body = new ReadableStream({ start(c) { c.enqueue(text('hello')); c.close() } })
    const res = await upload(cookie, 'a.txt', body)
    expect(res.status).toBe(411)
    await nothingStored(user.id)
  })

  it('a truncated upload (the client goes away mid-body) stores nothing and gives the quota back', async () => {
    const { user, cookie } = await signedInUser()
    let sent = 0
    const body = new ReadableStream({
      pull(controller) {
        if (sent === 0) { sent++; controller.enqueue(PHOTO_JPG.subarray(0, 8000)); return }
        controller.error(new Error('connection reset'))
      },
    })
    const res = await upload(cookie, 'photo.jpg', body, { headers: { 'content-length': String(PHOTO_JPG.length) } })
    expect(res.status).toBe(400)
    expect((await res.json() as { error: string }).error).toMatch(/interrupted/)
    await nothingStored(user.id)
  })

  it('a body shorter than its declared length stores nothing', async () => {
    const { user, cookie } = await signedInUser()
    const body = new ReadableStream({ start(c) { c.enqueue(PHOTO_JPG.subarray(0, 9000)); c.close() } })
    const res = await upload(cookie, 'photo.jpg', body, { headers: { 'content-length': String(PHOTO_JPG.length) } })
    expect(res.status).toBe(400)
    await nothingStored(user.id)
  })

  it('an upload over the storage quota is refused before storing', async () => {
    const { user, cookie } = await signedInUser({ storageBytes: 1000 })
    const res = await upload(cookie, 'photo.jpg', PHOTO_JPG)
    expect(res.status).toBe(413)
    expect((await res.json() as { error: string }).error).toMatch(/^Not enough storage left: you use 0 B of 1,000 B\./)
    await nothingStored(user.id)
  })

  it('the monthly upload count is a 429 with Retry-After', async () => {
    const { user, cookie } = await signedInUser({ uploadsPerMonth: 1 })
    expect((await upload(cookie, 'a.txt', text('one'))).status).toBe(201)
    const res = await upload(cookie, 'b.txt', text('two'))
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await res.json() as { error: string }).error).toMatch(/used all 1 uploads/)
    expect((await storedFor(user.id)).rows.map((r) => r.name)).toEqual(['a.txt'])
  })

  it('a concurrent race at the quota edge: exactly one of two uploads fits, and only it is stored', async () => {
    const a = text('A'.repeat(600))
    const b = text('B'.repeat(600))
    const { user, cookie } = await signedInUser({ storageBytes: 1000 })
    const results = await Promise.all([upload(cookie, 'a.txt', a), upload(cookie, 'b.txt', b)])
    expect(results.map((r) => r.status).sort()).toEqual([201, 413])
    const { rows, keys } = await storedFor(user.id)
    expect(rows).toHaveLength(1)
    expect(keys).toEqual([rows[0]!.r2Key])
    expect(await usageOf(user.id)).toMatchObject({ bytes: 600, files: 1 })
  })

  it("into another user's project: 404, nothing stored", async () => {
    const owner = await signedInUser()
    await request('/files/projects', { method: 'POST', body: new URLSearchParams({ name: 'Mine' }), headers: { cookie: owner.cookie } })
    const projectId = await storedProjectId(owner.user.id)
    const { user, cookie } = await signedInUser()
    const res = await upload(cookie, 'a.txt', text('x'), { projectId })
    expect(res.status).toBe(404)
    await nothingStored(user.id)
  })
})

async function storedProjectId(userId: string): Promise<string> {
  const [row] = await withDb((db) => db.select().from(fileProjects).where(eq(fileProjects.userId, userId)))
  return row!.id
}
