import { and, eq } from 'drizzle-orm'
import { createDb, type Database } from '../platform/db'
import { createLogger, describeError, type Logger } from '../platform/logger'
import { readImageDimensions } from './image-dimensions'
import { files } from './schema'
import { setThumbnail } from './service'
import { thumbnailKeyFor } from './storage'
import { UnsupportedJpegError } from './jpeg-eighth'
import { makeThumbnail, type Thumbnail } from './thumbnail-image'
import { THUMBNAIL_DEAD_LETTER_QUEUE, THUMBNAIL_MAX_ATTEMPTS, chooseThumbnailDecoder, thumbnailBackoffSeconds, thumbnailJobSchema, type ThumbnailJob } from './thumbnails'

/** What the thumbnailer Worker is given (workers/thumbnailer/wrangler.toml plus its secrets). */
export interface ThumbnailerEnv {
  FILES: R2Bucket
  DATABASE_URL: string
  NEON_WS_PROXY?: string
  ENVIRONMENT?: string
}

// A still image's dimensions sit in the first few KiB (JPEG: after any EXIF block, at most 64 KiB each).
// GIF frames and APNG / animated WebP frames can be anywhere: when this prefix does not settle it, the
// whole file is read (at most the upload limit, and decoding would need it anyway).
const HEADER_BYTES = 256 * 1024

function loggerFor(env: ThumbnailerEnv): Logger {
  // Tests assert on behaviour, not log lines: only warnings and errors there.
  return createLogger({ minLevel: env.ENVIRONMENT === 'test' ? 'warn' : 'info', fields: { worker: 'thumbnailer' } })
}

/**
 * The THUMBNAILS consumer (run by workers/thumbnailer/). Per message: skip a file that is gone or no
 * longer pending (a redelivery), read the largest frame's dimensions from the headers
 * (image-dimensions.ts), refuse without decoding when they are unknown (state `unreadable`) or above the
 * pixel caps (`too_large`, dimensions stored; thumbnails.ts), otherwise decode (whole, or a large JPEG at
 * 1/8 scale), shrink to 320 px wide, store the JPEG
 * beside the original and mark the row ready. Errors retry with backoff; the last attempt marks the row
 * `failed`. A refusal is final, not retried: the bytes will not change.
 */
export async function consumeThumbnailQueue(batch: MessageBatch<unknown>, env: ThumbnailerEnv): Promise<void> {
  const { db, close } = createDb(env)
  const log = loggerFor(env)
  try {
    for (const msg of batch.messages) {
      const parsed = thumbnailJobSchema.safeParse(msg.body)
      if (!parsed.success) { log.error('thumbnail: malformed message dropped', { messageId: msg.id }); msg.ack(); continue }
      const job = parsed.data
      if (batch.queue === THUMBNAIL_DEAD_LETTER_QUEUE) {
        // The database may still be down: retry with the same backoff rather than fail the whole batch at once.
        try {
          await markFailed(db, job)
          msg.ack()
        } catch (err) {
          log.error('thumbnail: could not record a dead letter, will retry', { fileId: job.fileId, ...describeError(err) })
          msg.retry({ delaySeconds: thumbnailBackoffSeconds(msg.attempts) })
        }
        continue
      }
      try {
        await processJob(db, env, job, log)
        msg.ack()
      } catch (err) {
        const fields = { fileId: job.fileId, attempt: msg.attempts, ...describeError(err) }
        if (msg.attempts >= THUMBNAIL_MAX_ATTEMPTS) {
          log.error('thumbnail: failed, no retries left', fields)
          // Acknowledged only once the row says failed: with the database down an ack would leave it pending
          // for ever; a retry past max_retries hands it to the dead-letter queue, which marks it (issue 21).
          try {
            await markFailed(db, job)
            msg.ack()
          } catch {
            msg.retry()
          }
        } else {
          log.warn('thumbnail: attempt failed, retrying', fields)
          msg.retry({ delaySeconds: thumbnailBackoffSeconds(msg.attempts) })
        }
      }
    }
  } finally {
    await close()
  }
}

async function isPending(db: Database, job: ThumbnailJob): Promise<boolean> {
  const [row] = await db.select({ state: files.thumbnailState }).from(files).where(and(eq(files.id, job.fileId), eq(files.userId, job.userId)))
  return row?.state === 'pending'
}

async function markFailed(db: Database, job: ThumbnailJob): Promise<void> {
  await db.update(files).set({ thumbnailState: 'failed', updatedAt: new Date() })
    .where(and(eq(files.id, job.fileId), eq(files.userId, job.userId), eq(files.thumbnailState, 'pending')))
}

async function processJob(db: Database, env: ThumbnailerEnv, job: ThumbnailJob, log: Logger): Promise<void> {
  if (!(await isPending(db, job))) return
  const header = await env.FILES.get(job.key, { range: { offset: 0, length: HEADER_BYTES } })
  if (header === null) return // deleted while queued: nothing to do
  let bytes = new Uint8Array(await header.arrayBuffer())
  let dimensions = readImageDimensions(bytes)
  if (!dimensions.ok && dimensions.reason === 'truncated' && bytes.length < header.size) {
    const whole = await env.FILES.get(job.key)
    if (whole === null) return
    bytes = new Uint8Array(await whole.arrayBuffer())
    dimensions = readImageDimensions(bytes)
  }
  // Refused before photon sees a byte (issue 19, ADR 0053): a size the headers do not settle, or bytes that
  // are not the type the upload sniffed, are never decoded.
  if (!dimensions.ok || dimensions.contentType !== job.contentType) {
    log.warn('thumbnail: image dimensions unreadable, not decoded', { fileId: job.fileId, reason: dimensions.ok ? 'type mismatch' : dimensions.reason })
    await setThumbnail(db, job.fileId, { state: 'unreadable' }, new Date())
    return
  }
  const tooLarge = () => setThumbnail(db, job.fileId, { state: 'too_large', width: dimensions.width, height: dimensions.height }, new Date())
  const decoder = chooseThumbnailDecoder({ ...dimensions, bytes: header.size })
  if (decoder === null) return tooLarge()
  if (bytes.length < header.size) {
    const original = await env.FILES.get(job.key)
    if (original === null) return
    bytes = new Uint8Array(await original.arrayBuffer())
  }
  let thumb: Thumbnail
  try {
    thumb = makeThumbnail(bytes, decoder)
  } catch (err) {
    // A large JPEG the 1/8 decoder does not read (12-bit, CMYK, arithmetic coding): photon would need the
    // whole bitmap, which does not fit, so it is refused like any image above the cap. Final, not retried.
    if (err instanceof UnsupportedJpegError) return tooLarge()
    throw err
  }
  const thumbKey = thumbnailKeyFor(job.key)
  await env.FILES.put(thumbKey, thumb.jpeg, { httpMetadata: { contentType: 'image/jpeg' } })
  const updated = await db.update(files).set({ thumbnailState: 'ready', thumbnailKey: thumbKey, width: thumb.width, height: thumb.height, updatedAt: new Date() })
    .where(and(eq(files.id, job.fileId), eq(files.thumbnailState, 'pending'))).returning({ id: files.id })
  // The file was deleted while we worked: its thumbnail must not outlive it.
  if (updated.length === 0) await env.FILES.delete(thumbKey)
}
