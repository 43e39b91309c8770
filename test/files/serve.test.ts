import { describe, expect, it } from 'vitest'
import { PHOTO_JPG } from '../fixtures/files/images'
import { get } from '../auth/helpers'
import { signedInUser, text, upload } from './helpers'

async function uploaded(cookie: string, name: string, bytes: Uint8Array): Promise<string> {
  const res = await upload(cookie, name, bytes)
  expect(res.status).toBe(201)
  return (await res.json() as { id: string }).id
}

describe('serving files (checklist 32)', () => {
  it('download: stored type, nosniff, attachment with an RFC 6266 name, a sandboxing CSP, the same bytes', async () => {
    const { cookie } = await signedInUser()
    const id = await uploaded(cookie, 'Résumé "final".jpg', PHOTO_JPG)
    const res = await get(`/files/${id}/download`, cookie)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/jpeg')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="R_sum_ _final_.jpg"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.jpg`)
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
    expect(res.headers.get('content-length')).toBe(String(PHOTO_JPG.length))
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PHOTO_JPG)
  })

  it('view: a raster image inline under a restrictive CSP; a text file stays an attachment', async () => {
    const { cookie } = await signedInUser()
    const image = await get(`/files/${await uploaded(cookie, 'p.jpg', PHOTO_JPG)}/view`, cookie)
    expect(image.headers.get('content-disposition')).toMatch(/^inline; filename="p.jpg"/)
    expect(image.headers.get('content-security-policy')).toBe("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
    const textRes = await get(`/files/${await uploaded(cookie, 'notes.txt', text('hello'))}/view`, cookie)
    expect(textRes.headers.get('content-disposition')).toMatch(/^attachment;/)
    expect(textRes.headers.get('content-type')).toBe('text/plain; charset=utf-8')
  })

  it('Range requests: a slice (206), an open end, a suffix, and an unsatisfiable range (416)', async () => {
    const { cookie } = await signedInUser()
    const id = await uploaded(cookie, 'p.jpg', PHOTO_JPG)
    const size = PHOTO_JPG.length
    const slice = await get(`/files/${id}/download`, cookie, { headers: { range: 'bytes=100-199' } })
    expect(slice.status).toBe(206)
    expect(slice.headers.get('content-range')).toBe(`bytes 100-199/${size}`)
    expect(new Uint8Array(await slice.arrayBuffer())).toEqual(PHOTO_JPG.subarray(100, 200))
    const open = await get(`/files/${id}/download`, cookie, { headers: { range: `bytes=${size - 10}-` } })
    expect(new Uint8Array(await open.arrayBuffer())).toEqual(PHOTO_JPG.subarray(size - 10))
    const suffix = await get(`/files/${id}/download`, cookie, { headers: { range: 'bytes=-5' } })
    expect(suffix.headers.get('content-range')).toBe(`bytes ${size - 5}-${size - 1}/${size}`)
    const bad = await get(`/files/${id}/download`, cookie, { headers: { range: `bytes=${size}-` } })
    expect(bad.status).toBe(416)
    expect(bad.headers.get('content-range')).toBe(`bytes */${size}`)
  })

  it("another user's file id is 404 (not 403) on every route; a malformed id is 404 too", async () => {
    const owner = await signedInUser()
    const id = await uploaded(owner.cookie, 'secret.txt', text('secret'))
    const { cookie } = await signedInUser()
    for (const path of [`/files/${id}/download`, `/files/${id}/view`, `/files/${id}/thumbnail`, `/files/${id}/thumbnail-state`, '/files/not-a-uuid/download']) {
      const res = await get(path, cookie)
      expect(res.status, path).toBe(404)
      expect(await res.text()).not.toContain('secret')
    }
  })

  it('signed out: redirected to log in; unverified: told to verify (no file served)', async () => {
    const owner = await signedInUser()
    const id = await uploaded(owner.cookie, 'a.txt', text('x'))
    const anonymous = await get(`/files/${id}/download`)
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/files/${id}/download`)}`)
    const unverified = await signedInUser({}, { verified: false })
    expect((await get('/files', unverified.cookie)).status).toBe(403)
    expect((await upload(unverified.cookie, 'a.txt', text('x'))).status).toBe(403)
  })
})
