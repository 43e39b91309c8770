import { renderError } from '../platform/errors'
import { setFlash } from '../platform/flash'
import { formatBytes } from '../platform/format'
import { readMultipartForm } from '../platform/forms'
import type { AppContext } from '../platform/types'
import { safeBack } from './guards'
import { uploadQuota } from './quota'
import { maxUploadBytes, storeUpload, type UploadResult } from './upload'

// Room for the multipart framing (boundaries, part headers, the project and back fields) on top of the
// file bytes themselves.
const FORM_OVERHEAD_BYTES = 64 * 1024

type Refusal = Extract<UploadResult, { ok: false }>

/**
 * The upload panel without JavaScript: a plain `<form enctype="multipart/form-data">` post of one or more
 * files. workerd parses a multipart body only whole, so this path holds the form in memory; it is
 * therefore bounded by one upload's limit for the whole post (checked from Content-Length before a byte
 * is read). Each file then goes through the same `storeUpload` as the streamed path — name, sniff, quota,
 * R2, row — so the rules are the same ones. The JavaScript uploader sends each file as its own streamed
 * request and has no such total.
 */
export async function storeFormUploads(c: AppContext) {
  const limit = maxUploadBytes(c.env)
  const declared = c.req.header('content-length')
  if (declared === undefined || !/^\d+$/.test(declared)) {
    return renderError(c, { status: 411, title: 'Not uploaded', message: 'The upload must say its size (Content-Length).' })
  }
  if (Number(declared) > limit + FORM_OVERHEAD_BYTES) {
    return renderError(c, { status: 413, title: 'Not uploaded', message: `These files are too large together: without JavaScript one upload can carry at most ${formatBytes(limit)} in all. Choose fewer files, or turn JavaScript on to send each file on its own.` })
  }
  const form = await readMultipartForm(c)
  if (form === null) return renderError(c, { status: 400, title: 'Not uploaded', message: 'This upload could not be read: its multipart body is malformed.' })
  // An empty file input still posts one part, with no name and no bytes: that is "nothing chosen".
  const chosen = form.getAll('files').filter((v): v is File => typeof v !== 'string' && (v.name !== '' || v.size > 0))
  if (chosen.length === 0) return renderError(c, { status: 422, title: 'Not uploaded', message: 'Choose at least one file to upload.' })
  const projectField = form.get('projectId')
  const projectId = typeof projectField === 'string' && projectField !== '' ? projectField : undefined
  const back = safeBack(form.get('back'))

  const user = c.get('user')!
  const uploaded: string[] = []
  const refused: { name: string; refusal: Refusal }[] = []
  for (const file of chosen) {
    const now = new Date()
    const result = await storeUpload(
      { db: c.get('db'), env: c.env, quota: uploadQuota(c.env, user.id, c.get('db'), now), now },
      { userId: user.id, name: file.name, projectId, contentLength: String(file.size), body: file.stream() },
    )
    if (result.ok) uploaded.push(result.file.name)
    else refused.push({ name: file.name, refusal: result })
  }
  if (refused.length === 0) {
    setFlash(c, 'success', uploaded.length === 1 ? `Uploaded “${uploaded[0]}”.` : `Uploaded ${uploaded.length} files.`)
    return c.redirect(back, 303)
  }
  const first = refused[0]!.refusal
  if (first.retryAfterSeconds) c.header('Retry-After', String(first.retryAfterSeconds))
  const reasons = refused.map(({ name, refusal }) => `“${name}”: ${refusal.message}`).join(' ')
  const done = uploaded.length === 0 ? '' : ` Uploaded: ${uploaded.map((n) => `“${n}”`).join(', ')}.`
  return renderError(c, { status: first.status, title: refused.length === chosen.length ? 'Not uploaded' : 'Some files were not uploaded', message: `${reasons}${done}` })
}
