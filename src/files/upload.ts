import type { Database } from '../platform/db'
import { validateName } from './names'
import { createLogger, describeError } from '../platform/logger'
import { formatBytes, isUuid } from '../platform/format'
import { insertFile, getProject, setThumbnail } from './service'
import type { FileRow } from './schema'
import { RASTER_IMAGE_TYPES, SNIFF_BYTES, sniffFile } from './sniff'
import { deleteObjects, newObjectKey } from './storage'
import { enqueueThumbnail } from './thumbnails'

export const DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024
// Workers refuse request bodies above 100 MiB (checklist 30): the configured limit must stay below.
const WORKERS_BODY_LIMIT = 100 * 1024 * 1024

export function maxUploadBytes(env: Pick<Env, 'FILES_MAX_UPLOAD_BYTES'>): number {
  const configured = Number(env.FILES_MAX_UPLOAD_BYTES)
  return Number.isSafeInteger(configured) && configured > 0 ? Math.min(configured, WORKERS_BODY_LIMIT - 1024 * 1024) : DEFAULT_MAX_UPLOAD_BYTES
}

export type QuotaItem = { metric: 'storage_bytes' | 'file_count' | 'uploads'; amount: number }

/** Quota is taken before any byte is stored and given back when storing fails (usage's consumeQuota/releaseQuota). */
export interface UploadQuota {
  consume: (items: QuotaItem[]) => Promise<{ allowed: true } | { allowed: false; status: 413 | 429; message: string; retryAfterSeconds?: number }>
  release: (items: QuotaItem[]) => Promise<void>
}

export interface UploadInput {
  userId: string
  name: string | undefined
  projectId: string | undefined
  contentLength: string | undefined
  body: ReadableStream<Uint8Array> | null
}

export type UploadResult = { ok: true; file: FileRow } | { ok: false; status: 400 | 404 | 411 | 413 | 415 | 422 | 429; message: string; retryAfterSeconds?: number }

const fail = (status: Extract<UploadResult, { ok: false }>['status'], message: string): UploadResult => ({ ok: false, status, message })

/** Reads until `want` bytes (or the end); returns them and whether the stream ended. */
async function readHead(reader: ReadableStreamDefaultReader<Uint8Array>, want: number): Promise<{ head: Uint8Array; done: boolean }> {
  const chunks: Uint8Array[] = []
  let length = 0
  while (length < want) {
    const { done, value } = await reader.read()
    if (done) return { head: concat(chunks, length), done: true }
    chunks.push(value)
    length += value.byteLength
  }
  return { head: concat(chunks, length), done: false }
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length)
  let offset = 0
  for (const c of chunks) { out.set(c, offset); offset += c.byteLength }
  return out
}

class Truncated extends Error {}

/**
 * Streams one upload (the raw request body, one file per request) into R2 without holding it in memory:
 * the declared Content-Length is checked against the limit, the first 4 KiB are sniffed, the quota is
 * consumed for the declared size, then the rest flows through a FixedLengthStream into R2 while a
 * DigestStream computes its SHA-256. Any failure after the quota step and before the row is stored deletes
 * the object, gives the quota back and writes no row: nothing is left behind. After the row, a refused
 * thumbnail job marks the thumbnail `failed` and keeps the file.
 */
export async function storeUpload(deps: { db: Database; env: Env; quota: UploadQuota; now: Date }, input: UploadInput): Promise<UploadResult> {
  const { db, env, quota } = deps
  const named = validateName(input.name)
  if (!named.ok) return fail(422, named.message)
  let projectId: string | null = null
  if (input.projectId) {
    const project = isUuid(input.projectId) ? await getProject(db, input.userId, input.projectId) : null
    if (!project) return fail(404, 'That project does not exist.')
    projectId = project.id
  }
  if (input.contentLength === undefined || !/^\d+$/.test(input.contentLength)) return fail(411, 'The upload must say its size (Content-Length).')
  const size = Number(input.contentLength)
  const limit = maxUploadBytes(env)
  if (size === 0 || input.body === null) return fail(422, 'This file is empty.')
  if (size > limit) return fail(413, `This file is too large: the limit is ${formatBytes(limit)}.`)

  const reader = input.body.getReader()
  let head: Uint8Array
  let ended: boolean
  try {
    ({ head, done: ended } = await readHead(reader, Math.min(SNIFF_BYTES, size)))
  } catch {
    return fail(400, 'The upload was interrupted before it finished. Nothing was stored.')
  }
  if (head.byteLength > size || (ended && head.byteLength < size)) {
    await reader.cancel().catch(() => undefined)
    return fail(400, 'The upload was interrupted before it finished. Nothing was stored.')
  }
  const sniffed = sniffFile(head.subarray(0, SNIFF_BYTES), named.name, head.byteLength >= size)
  if (!sniffed.ok) {
    await reader.cancel().catch(() => undefined)
    return fail(415, sniffed.message)
  }

  const items: QuotaItem[] = [{ metric: 'storage_bytes', amount: size }, { metric: 'file_count', amount: 1 }, { metric: 'uploads', amount: 1 }]
  const granted = await quota.consume(items)
  if (!granted.allowed) {
    await reader.cancel().catch(() => undefined)
    return { ok: false, status: granted.status, message: granted.message, retryAfterSeconds: granted.retryAfterSeconds }
  }

  const key = newObjectKey(input.userId)
  const thumbnailable = RASTER_IMAGE_TYPES.has(sniffed.contentType)
  let stored = false
  let file: FileRow
  try {
    const sha256 = await streamToBucket(env.FILES, key, sniffed.contentType, size, head, reader)
    stored = true
    file = await insertFile(db, {
      userId: input.userId, projectId, name: named.name, r2Key: key, size, contentType: sniffed.contentType, sha256,
      thumbnailState: thumbnailable ? 'pending' : 'none', createdAt: deps.now, updatedAt: deps.now,
    })
  } catch (err) {
    await deleteObjects(env.FILES, [key]).catch(() => undefined)
    // All three back, the monthly upload too: an upload that stored nothing did not happen.
    await quota.release(items).catch(() => undefined)
    if (err instanceof Truncated) return fail(400, 'The upload was interrupted before it finished. Nothing was stored.')
    // A row insert that failed after the object was stored: cleaned up above, then a 500.
    if (stored) throw err
    return fail(400, 'The upload was interrupted before it finished. Nothing was stored.')
  }
  // The row is committed and its object stored: the upload happened. A thumbnail job the queue refuses
  // costs only the thumbnail (issue 19, 12a): the row is marked `failed` so the browser says "could not be
  // made" instead of polling a `pending` that no consumer will ever see; the file itself stays.
  if (thumbnailable) {
    try {
      await enqueueThumbnail(env, file)
    } catch (err) {
      createLogger().error('thumbnail job not queued', { fileId: file.id, ...describeError(err) })
      await setThumbnail(db, file.id, { state: 'failed' }, deps.now)
      file = { ...file, thumbnailState: 'failed' }
    }
  }
  return { ok: true, file }
}

async function streamToBucket(bucket: R2Bucket, key: string, contentType: string, size: number, head: Uint8Array, reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const fixed = new FixedLengthStream(size)
  const digest = new crypto.DigestStream('SHA-256')
  // Aborting the digest on a failed upload rejects this promise; the failure is reported by the pump.
  digest.digest.catch(() => undefined)
  const put = bucket.put(key, fixed.readable, { httpMetadata: { contentType } })
  const pump = (async () => {
    const out = fixed.writable.getWriter()
    const hash = digest.getWriter()
    let written = 0
    try {
      for (let chunk: Uint8Array | undefined = head; chunk !== undefined;) {
        written += chunk.byteLength
        if (written > size) throw new Truncated('more bytes than declared')
        await Promise.all([out.write(chunk), hash.write(chunk)])
        const next = await reader.read().catch(() => { throw new Truncated('body stream failed') })
        chunk = next.done ? undefined : next.value
      }
      if (written !== size) throw new Truncated('fewer bytes than declared')
      await Promise.all([out.close(), hash.close()])
    } catch (err) {
      await out.abort(err).catch(() => undefined)
      await hash.abort(err).catch(() => undefined)
      throw err instanceof Truncated ? err : new Truncated(String(err))
    }
  })()
  const [putResult, pumpResult] = await Promise.allSettled([put, pump])
  if (pumpResult.status === 'rejected') throw pumpResult.reason
  if (putResult.status === 'rejected') throw new Truncated(String(putResult.reason))
  const bytes = new Uint8Array(await digest.digest)
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
}
