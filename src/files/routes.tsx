import { Hono } from 'hono'
import { requireVerified } from '../auth'
import { setFlash } from '../platform/flash'
import { isHtmxRequest } from '../platform/htmx'
import { renderError } from '../platform/errors'
import type { AppContext, AppEnv } from '../platform/types'
import { parseBrowserQuery } from './format'
import { FILE_FORM_MAX_BYTES, isMultipartUpload, safeBack, throttleFileWrites } from './guards'
import { formBodyLimit, readForm } from '../platform/forms'
import { validateName } from './names'
import { readStorageQuota, uploadQuota } from './quota'
import { finishDeletion, markFileDeleted } from './deletion'
import { canDisplayInline, serveObject } from './serve'
import { getFile, listFilesPage, moveFile, renameFile } from './service'
import { isUuid } from '../platform/format'
import { maxUploadBytes, storeUpload } from './upload'
import { storeFormUploads } from './upload-form'
import { FileBrowser, FilesPage } from './views/browser'
import { Thumbnail } from './views/thumbnail'

const notFound = (c: AppContext) => renderError(c, { status: 404, title: 'File not found', message: 'This file does not exist, or it is not yours.' })

/** After a change: htmx gets the refreshed browser for the page it was on; a plain form gets a flash and a redirect. */
async function answerChange(c: AppContext, back: string, message: string) {
  if (isHtmxRequest(c)) {
    const query = parseBrowserQuery(Object.fromEntries(new URL(back, 'http://x').searchParams))
    const page = await loadBrowser(c, query)
    return c.html(<FileBrowser page={page} query={query} />)
  }
  setFlash(c, 'success', message)
  return c.redirect(back, 303)
}

/** The page of files (one database round trip) and the account's storage quota from its meter (no database work). */
async function loadBrowser(c: AppContext, query: ReturnType<typeof parseBrowserQuery>) {
  const userId = c.get('user')!.id
  const [page, quota] = await Promise.all([listFilesPage(c.get('db'), userId, query), readStorageQuota(c.env, userId, c.get('db'), new Date())])
  return { ...page, quota }
}

export const fileRoutes = new Hono<AppEnv>()
  .get('/files', requireVerified, async (c) => {
    const query = parseBrowserQuery(c.req.query())
    const page = await loadBrowser(c, query)
    // Filter, sort, view and page requests swap only the browser.
    if (isHtmxRequest(c) && c.req.header('hx-target') === 'file-browser') return c.html(<FileBrowser page={page} query={query} />)
    return c.render(<FilesPage page={page} query={query} maxBytes={maxUploadBytes(c.env)} />, { title: 'Files' })
  })
  // One file per request, the raw bytes as the body: streamed to R2 (src/files/upload.ts). Answers JSON
  // for the uploader in public/components.js. Without JavaScript the panel posts a multipart form (upload-form.ts).
  .post('/files/upload', requireVerified, throttleFileWrites, async (c) => {
    if (isMultipartUpload(c)) return storeFormUploads(c)
    const user = c.get('user')!
    const now = new Date()
    const result = await storeUpload(
      { db: c.get('db'), env: c.env, quota: uploadQuota(c.env, user.id, c.get('db'), now), now },
      { userId: user.id, name: c.req.query('name'), projectId: c.req.query('projectId') || undefined, contentLength: c.req.header('content-length'), body: c.req.raw.body },
    )
    if (!result.ok) {
      if (result.retryAfterSeconds) c.header('Retry-After', String(result.retryAfterSeconds))
      return c.json({ error: result.message }, result.status)
    }
    const f = result.file
    return c.json({ id: f.id, name: f.name, size: f.size, contentType: f.contentType, thumbnailState: f.thumbnailState, sha256: f.sha256 }, 201)
  })
  .post('/files/:id/rename', formBodyLimit({ maxSize: FILE_FORM_MAX_BYTES }), requireVerified, throttleFileWrites, async (c) => {
    const fields = await readForm(c)
    const named = validateName(fields.name)
    if (!named.ok) return renderError(c, { status: 422, title: 'Not renamed', message: named.message })
    const file = await renameFile(c.get('db'), c.get('user')!.id, c.req.param('id'), named.name, new Date())
    if (!file) return notFound(c)
    return answerChange(c, safeBack(fields.back), `Renamed to “${file.name}”.`)
  })
  .post('/files/:id/move', formBodyLimit({ maxSize: FILE_FORM_MAX_BYTES }), requireVerified, throttleFileWrites, async (c) => {
    const fields = await readForm(c)
    const projectId = fields.projectId ? fields.projectId : null
    if (projectId !== null && !isUuid(projectId)) return renderError(c, { status: 404, title: 'Project not found', message: 'That project does not exist.' })
    const file = await moveFile(c.get('db'), c.get('user')!.id, c.req.param('id'), projectId, new Date())
    if (!file) return notFound(c)
    return answerChange(c, safeBack(fields.back), `Moved “${file.name}”.`)
  })
  .post('/files/:id/delete', formBodyLimit({ maxSize: FILE_FORM_MAX_BYTES }), requireVerified, throttleFileWrites, async (c) => {
    const fields = await readForm(c)
    const user = c.get('user')!
    // Marked first (the file disappears at once), then quota, objects, and the row last (deletion.ts):
    // a failure after the mark is finished by the nightly sweep, never an orphaned object.
    const now = new Date()
    const file = await markFileDeleted(c.get('db'), user.id, c.req.param('id'), now)
    if (!file) return notFound(c)
    await finishDeletion({ db: c.get('db'), env: c.env, now }, user.id, [file])
    return answerChange(c, safeBack(fields.back), `Deleted “${file.name}”.`)
  })
  .get('/files/:id/download', requireVerified, async (c) => {
    const file = await getFile(c.get('db'), c.get('user')!.id, c.req.param('id'))
    if (!file) return notFound(c)
    return serveObject(c.env.FILES, file, { key: file.r2Key, contentType: file.contentType, disposition: 'attachment', rangeHeader: c.req.header('range'), method: c.req.method })
  })
  // Inline only for raster images and PDF; anything else is still an attachment.
  .get('/files/:id/view', requireVerified, async (c) => {
    const file = await getFile(c.get('db'), c.get('user')!.id, c.req.param('id'))
    if (!file) return notFound(c)
    const disposition = canDisplayInline(file.contentType) ? 'inline' : 'attachment'
    return serveObject(c.env.FILES, file, { key: file.r2Key, contentType: file.contentType, disposition, rangeHeader: c.req.header('range'), method: c.req.method })
  })
  .get('/files/:id/thumbnail', requireVerified, async (c) => {
    const file = await getFile(c.get('db'), c.get('user')!.id, c.req.param('id'))
    if (!file || file.thumbnailState !== 'ready' || !file.thumbnailKey) return notFound(c)
    return serveObject(c.env.FILES, { name: `${file.name}.thumbnail.jpg`, size: 0 }, { key: file.thumbnailKey, contentType: 'image/jpeg', disposition: 'inline', method: c.req.method })
  })
  // Polled by a pending thumbnail (views/thumbnail.tsx) until it is ready, failed or none.
  .get('/files/:id/thumbnail-state', requireVerified, async (c) => {
    const file = await getFile(c.get('db'), c.get('user')!.id, c.req.param('id'))
    if (!file) return notFound(c)
    return c.html(<Thumbnail file={file} />)
  })
