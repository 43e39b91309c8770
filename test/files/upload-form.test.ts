import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { get } from '../auth/helpers'
import { request } from '../helpers/http'
import { PHOTO_JPG } from '../fixtures/files/images'
import { signedInUser, storedFor, text, usageOf } from './helpers'

// The upload panel without JavaScript: a plain multipart form post of one or more files (upload-form.ts).
function postForm(cookie: string, files: { name: string; bytes: Uint8Array; type?: string }[], fields: Record<string, string> = {}) {
  const form = new FormData()
  for (const f of files) form.append('files', new File([f.bytes], f.name, { type: f.type ?? 'application/octet-stream' }))
  for (const [k, v] of Object.entries(fields)) form.append(k, v)
  return request('/files/upload', { method: 'POST', body: form, headers: { cookie } })
}

describe('upload without JavaScript (multipart form post)', () => {
  it('stores every chosen file through the same checks, then redirects to the browser with a flash', async () => {
    const { user, cookie } = await signedInUser()
    const res = await postForm(cookie, [{ name: 'photo.jpg', bytes: PHOTO_JPG, type: 'image/jpeg' }, { name: 'notes.txt', bytes: text('Remember the milk.\n') }])
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/files')
    const flash = res.headers.get('set-cookie') ?? ''
    expect(flash).toContain('qs_flash=')
    expect(decodeURIComponent(flash)).toContain('Uploaded 2 files.')
    const { rows, keys } = await storedFor(user.id)
    expect(rows.map((r) => [r.name, r.contentType]).sort()).toEqual([['notes.txt', 'text/plain; charset=utf-8'], ['photo.jpg', 'image/jpeg']])
    expect(keys).toHaveLength(2)
    expect(await usageOf(user.id)).toEqual({ bytes: PHOTO_JPG.length + 19, files: 2, uploads: 2 })
    const page = await (await get('/files', cookie)).text()
    expect(page).toContain('photo.jpg')
  })

  it('a refused file answers with its status and the server’s message; the others are still stored and named', async () => {
    const { user, cookie } = await signedInUser()
    const res = await postForm(cookie, [
      { name: 'logo.svg', bytes: text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), type: 'image/svg+xml' },
      { name: 'ok.txt', bytes: text('fine\n') },
    ])
    expect(res.status).toBe(415)
    const html = await res.text()
    expect(html).toContain('Some files were not uploaded')
    expect(html).toContain('“logo.svg”: HTML, SVG and other markup files are not accepted')
    expect(html).toContain('Uploaded: “ok.txt”.')
    expect((await storedFor(user.id)).rows.map((r) => r.name)).toEqual(['ok.txt'])
  })

  it('over the quota is refused with the quota’s message; an unknown project is a 404', async () => {
    const { user, cookie } = await signedInUser({ storageBytes: 1000 })
    const res = await postForm(cookie, [{ name: 'photo.jpg', bytes: PHOTO_JPG }])
    expect(res.status).toBe(413)
    expect(await res.text()).toMatch(/“photo\.jpg”: Not enough storage left/)
    expect((await storedFor(user.id)).rows).toEqual([])
    const missing = await postForm(cookie, [{ name: 'a.txt', bytes: text('a') }], { projectId: crypto.randomUUID() })
    expect(missing.status).toBe(404)
    expect(await missing.text()).toContain('That project does not exist.')
  })

  it('no file chosen (the empty part a browser sends) is a 422 that says so', async () => {
    const { cookie } = await signedInUser()
    const res = await postForm(cookie, [{ name: '', bytes: new Uint8Array(0) }])
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Choose at least one file to upload.')
  })

  it('a post larger than one upload’s limit is refused from its declared length, before the form is read', async () => {
    const { user, cookie } = await signedInUser()
    let pulled = 0
    const body = new ReadableStream({ pull(controller) { pulled++; controller.enqueue(new Uint8Array(1024)) } })
    const res = await request('/files/upload', {
      method: 'POST', body,
      headers: { cookie, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(Number(env.FILES_MAX_UPLOAD_BYTES) + 1024 * 1024) },
    })
    expect(res.status).toBe(413)
    expect(await res.text()).toContain('without JavaScript one upload can carry at most 25 MiB in all')
    expect(pulled).toBeLessThanOrEqual(4)
    expect((await storedFor(user.id)).rows).toEqual([])
  })

  it('a broken multipart body is a 400, not a 500', async () => {
    const { cookie } = await signedInUser()
    const res = await request('/files/upload', { method: 'POST', body: 'not multipart at all', headers: { cookie, 'content-type': 'multipart/form-data; boundary=x' } })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('multipart body is malformed')
  })
})
