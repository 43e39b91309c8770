import { env } from 'cloudflare:workers'
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { describe, expect, inject, it, vi } from 'vitest'
import worker from '../../workers/thumbnailer/index'
import { createTestUser } from '../auth/helpers'
import { withDb } from '../helpers/db'
import { PHOTO_JPG, SMALL_PNG } from '../fixtures/files/images'
import { GIF_BOMB, REAL_GIF_1X1, REAL_WEBP_ALPHA_1X1, REAL_WEBP_ANIMATED_1X1, REAL_WEBP_LOSSLESS_1X1, REAL_WEBP_LOSSY_1X1, craftGif, craftJpeg, craftPng } from '../fixtures/files/crafted-images'
import { syntheticJpeg } from '../fixtures/files/synthetic-jpeg'
import { PhotonImage } from '@cf-wasm/photon'
import { files, type FileRow } from '../../src/files/schema'
import { readImageDimensions } from '../../src/files/image-dimensions'
import { Thumbnail } from '../../src/files/views/thumbnail'
import { JPEG_THUMBNAIL_PIXEL_CAP, THUMBNAIL_DEAD_LETTER_QUEUE, THUMBNAIL_MAX_ATTEMPTS, THUMBNAIL_MAX_BYTES, THUMBNAIL_PIXEL_CAP, THUMBNAIL_QUEUE, chooseThumbnailDecoder, thumbnailBackoffSeconds, type ThumbnailJob } from '../../src/files/thumbnails'
import type { ThumbnailerEnv } from '../../src/files/thumbnail-consumer'

const testEnv = env as unknown as ThumbnailerEnv & { THUMBNAILS: Queue }

/** A pending image file: its bytes in the real R2 bucket and its row in Postgres, as an upload leaves them. */
async function pendingImage(bytes: Uint8Array, contentType = 'image/jpeg'): Promise<{ file: FileRow; job: ThumbnailJob }> {
  const user = await createTestUser()
  const key = `${user.id}/${crypto.randomUUID()}`
  await testEnv.FILES.put(key, bytes, { httpMetadata: { contentType } })
  const [file] = await withDb((db) => db.insert(files).values({
    userId: user.id, name: 'photo.jpg', r2Key: key, size: bytes.length, contentType, sha256: 'x', thumbnailState: 'pending',
  }).returning())
  return { file: file!, job: { fileId: file!.id, userId: user.id, key, contentType } }
}

async function deliver(job: ThumbnailJob, attempts = 1, queue = THUMBNAIL_QUEUE) {
  const batch = createMessageBatch(queue, [{ id: `msg-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body: job }])
  const ctx = createExecutionContext()
  await worker.queue(batch as MessageBatch<unknown>, testEnv)
  return getQueueResult(batch, ctx)
}

const rowOf = async (id: string) => (await withDb((db) => db.select().from(files).where(eq(files.id, id))))[0]!

/** A JPEG whose header claims `width`×`height` and whose scan data is garbage: the decoder must fail on it. */
function fakeJpeg(width: number, height: number): Uint8Array {
  const sof = [0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 255, width >> 8, width & 255, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]
  return new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, ...sof, ...new Array(64).fill(0x55), 0xff, 0xd9])
}

describe('thumbnail consumer (its own Worker, real R2 and queue bindings)', () => {
  it('success: a 320 px JPEG is stored beside the original and the row is ready, with the dimensions', async () => {
    const { file, job } = await pendingImage(PHOTO_JPG)
    const result = await deliver(job)
    expect(result.explicitAcks).toHaveLength(1)
    expect(result.retryMessages).toHaveLength(0)
    const row = await rowOf(file.id)
    expect(row).toMatchObject({ thumbnailState: 'ready', thumbnailKey: `${file.r2Key}.thumb.jpg`, width: 400, height: 300 })
    const thumb = await testEnv.FILES.get(row.thumbnailKey!)
    expect(thumb!.httpMetadata!.contentType).toBe('image/jpeg')
    expect(readImageDimensions(new Uint8Array(await thumb!.arrayBuffer()))).toEqual({ ok: true, contentType: 'image/jpeg', width: 320, height: 240 })
  })

  it('through the real queue: a sent message reaches the consumer and the row becomes ready', async () => {
    const { file, job } = await pendingImage(PHOTO_JPG)
    await testEnv.THUMBNAILS.send(job, { contentType: 'json' })
    // Waits for the condition (queue delivery takes about a second locally), bounded by the test timeout.
    await expect.poll(async () => (await rowOf(file.id)).thumbnailState, { timeout: 30_000, interval: 250 }).toBe('ready')
  })

  it('retry: a failing decode is retried while attempts remain; the row stays pending', async () => {
    const { file, job } = await pendingImage(fakeJpeg(100, 100))
    const result = await deliver(job, 1)
    expect(result.explicitAcks).toHaveLength(0)
    expect(result.retryMessages).toHaveLength(1)
    expect((await rowOf(file.id)).thumbnailState).toBe('pending')
  })

  it('failure: the last attempt marks the row failed and acknowledges the message', async () => {
    const { file, job } = await pendingImage(fakeJpeg(100, 100))
    const result = await deliver(job, THUMBNAIL_MAX_ATTEMPTS)
    expect(result.explicitAcks).toHaveLength(1)
    expect(result.retryMessages).toHaveLength(0)
    expect((await rowOf(file.id)).thumbnailState).toBe('failed')
    expect((await testEnv.FILES.list({ prefix: `${file.r2Key}.thumb` })).objects).toEqual([])
  })

  it('a decoder that keeps throwing (issue 21): retried with backoff on every attempt, then failed, and the files view says so', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const { file, job } = await pendingImage(fakeJpeg(100, 100))
    const delays: Array<number | undefined> = []
    // The queue's redeliveries of one message, attempt after attempt, as the platform counts them.
    for (let attempt = 1; attempt <= THUMBNAIL_MAX_ATTEMPTS; attempt++) {
      const batch = createMessageBatch(THUMBNAIL_QUEUE, [{ id: 'msg-keeps-failing', timestamp: new Date(), attempts: attempt, body: job }])
      const retry = vi.spyOn(batch.messages[0]!, 'retry')
      const ctx = createExecutionContext()
      await worker.queue(batch as MessageBatch<unknown>, testEnv)
      const result = await getQueueResult(batch, ctx)
      delays.push(...retry.mock.calls.map(([options]) => options?.delaySeconds))
      const last = attempt === THUMBNAIL_MAX_ATTEMPTS
      expect(result.retryMessages, `attempt ${attempt}`).toHaveLength(last ? 0 : 1)
      expect(result.explicitAcks, `attempt ${attempt}`).toHaveLength(last ? 1 : 0)
      expect((await rowOf(file.id)).thumbnailState).toBe(last ? 'failed' : 'pending')
    }
    expect(delays).toEqual([1, 2, 3].map(thumbnailBackoffSeconds))
    // What the file browser renders for that row (the main Worker's view, test/files/browser.test.ts serves it).
    const html = String(Thumbnail({ file: await rowOf(file.id) }))
    expect(html).toContain('data-state="failed"')
    expect(html).toContain('aria-label="No thumbnail: could not be made"')
    expect(html).not.toContain('hx-trigger')
    vi.restoreAllMocks()
  })

  it('the database down on the last attempt (issue 21): not acknowledged, so the dead-letter queue marks it failed once it is back', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const { file, job } = await pendingImage(fakeJpeg(100, 100))
    // The same database through a relay the test stops (test/setup/database-outage.ts).
    const outage = inject('databaseOutage')
    const control = (state: 'stop' | 'start') => fetch(`${outage.control}/${state}`, { method: 'POST' })
    const batch = createMessageBatch(THUMBNAIL_QUEUE, [{ id: 'msg-db-down', timestamp: new Date(), attempts: THUMBNAIL_MAX_ATTEMPTS, body: job }])
    const dead = createMessageBatch(THUMBNAIL_DEAD_LETTER_QUEUE, [{ id: 'msg-db-down', timestamp: new Date(), attempts: 1, body: job }])
    expect((await control('stop')).status).toBe(204)
    try {
      await worker.queue(batch as MessageBatch<unknown>, { ...testEnv, DATABASE_URL: outage.databaseUrl })
      await worker.queue(dead as MessageBatch<unknown>, { ...testEnv, DATABASE_URL: outage.databaseUrl })
    } finally {
      expect((await control('start')).status).toBe(204)
    }
    // An ack here would leave the row pending for ever (it could not be marked failed): the retry past
    // max_retries hands the message to the dead-letter queue instead, whose consumer retries it too.
    for (const result of [await getQueueResult(batch, createExecutionContext()), await getQueueResult(dead, createExecutionContext())]) {
      expect(result.explicitAcks).toEqual([])
      expect(result.retryMessages).toHaveLength(1)
    }
    expect((await rowOf(file.id)).thumbnailState).toBe('pending')
    expect((await deliver(job, 1, THUMBNAIL_DEAD_LETTER_QUEUE)).explicitAcks).toHaveLength(1)
    expect((await rowOf(file.id)).thumbnailState).toBe('failed')
    vi.restoreAllMocks()
  })

  it('dead-letter queue: a message that ends there marks the row failed', async () => {
    const { file, job } = await pendingImage(fakeJpeg(100, 100))
    const result = await deliver(job, 1, THUMBNAIL_DEAD_LETTER_QUEUE)
    expect(result.explicitAcks).toHaveLength(1)
    expect((await rowOf(file.id)).thumbnailState).toBe('failed')
  })

  it('over the JPEG pixel cap: state too_large with the dimensions, never decoded (the garbage body would fail to decode)', async () => {
    const { file, job } = await pendingImage(fakeJpeg(10000, 5001))
    expect(10000 * 5001).toBeGreaterThan(JPEG_THUMBNAIL_PIXEL_CAP)
    const result = await deliver(job)
    expect(result.explicitAcks).toHaveLength(1)
    expect(await rowOf(file.id)).toMatchObject({ thumbnailState: 'too_large', width: 10000, height: 5001, thumbnailKey: null })
  })

  it('a file deleted while queued: acknowledged, nothing written', async () => {
    const { file, job } = await pendingImage(PHOTO_JPG)
    await withDb((db) => db.delete(files).where(eq(files.id, file.id)))
    const result = await deliver(job)
    expect(result.explicitAcks).toHaveLength(1)
    expect((await testEnv.FILES.list({ prefix: `${file.r2Key}.thumb` })).objects).toEqual([])
  })
})

/** The row is refused as `state`, the message acknowledged (not retried) and no thumbnail object exists. */
async function expectRefused(bytes: Uint8Array, contentType: string, state: 'too_large' | 'unreadable', dimensions?: { width: number; height: number }) {
  const { file, job } = await pendingImage(bytes, contentType)
  const result = await deliver(job)
  expect(result.explicitAcks).toHaveLength(1)
  expect(result.retryMessages).toHaveLength(0)
  expect(await rowOf(file.id)).toMatchObject({ thumbnailState: state, thumbnailKey: null, ...dimensions })
  expect((await testEnv.FILES.list({ prefix: `${file.r2Key}.thumb` })).objects).toEqual([])
}

describe('thumbnail consumer: frame dimensions are read before decoding (issue 19)', () => {
  it('the GIF bomb (1×1 screen, 10000×10000 frame) is too_large with the frame size, never decoded', async () => {
    await expectRefused(GIF_BOMB, 'image/gif', 'too_large', { width: 10000, height: 10000 })
  })

  it('a 10000×10000 frame behind 300 KB of earlier frame data: the whole file is read and it is too_large', async () => {
    const gif = craftGif({ width: 1, height: 1 }, [{ width: 1, height: 1, lzwBytes: 300_000 }, { width: 10000, height: 10000 }])
    await expectRefused(gif, 'image/gif', 'too_large', { width: 10000, height: 10000 })
  })

  it('dimensions the headers do not settle are unreadable at once, not retried and not decoded', async () => {
    await expectRefused(GIF_BOMB.subarray(0, GIF_BOMB.length - 1), 'image/gif', 'unreadable')
    await expectRefused(craftJpeg(4000, 0), 'image/jpeg', 'unreadable')
    // Bytes of another type than the upload sniffed: not what the row says it is.
    await expectRefused(REAL_GIF_1X1, 'image/png', 'unreadable')
  })

  it('real small images of every format still get a thumbnail', async () => {
    const samples: [Uint8Array, string, number, number][] = [
      [SMALL_PNG, 'image/png', 64, 48], [REAL_GIF_1X1, 'image/gif', 1, 1], [REAL_WEBP_LOSSY_1X1, 'image/webp', 1, 1],
      [REAL_WEBP_LOSSLESS_1X1, 'image/webp', 1, 1], [REAL_WEBP_ALPHA_1X1, 'image/webp', 1, 1], [REAL_WEBP_ANIMATED_1X1, 'image/webp', 1, 1],
    ]
    for (const [bytes, contentType, width, height] of samples) {
      const { file, job } = await pendingImage(bytes, contentType)
      await deliver(job)
      expect(await rowOf(file.id), contentType).toMatchObject({ thumbnailState: 'ready', width, height })
      const thumb = await testEnv.FILES.get(`${file.r2Key}.thumb.jpg`)
      expect(readImageDimensions(new Uint8Array(await thumb!.arrayBuffer()))).toMatchObject({ ok: true, contentType: 'image/jpeg', width })
    }
  })
})

describe('thumbnail consumer: phone photos (issue 20)', () => {
  /** The stored thumbnail's size and the mean green level of its outer quarters (left, right, top, bottom). */
  async function thumbnailOf(key: string) {
    const thumb = await testEnv.FILES.get(`${key}.thumb.jpg`)
    const image = PhotonImage.new_from_byteslice(new Uint8Array(await thumb!.arrayBuffer()))
    try {
      const w = image.get_width(), h = image.get_height(), px = image.get_raw_pixels()
      const mean = (x0: number, x1: number) => {
        let sum = 0
        for (let y = 0; y < h; y++) for (let x = x0; x < x1; x++) sum += px[(y * w + x) * 4 + 1]!
        return sum / (h * (x1 - x0))
      }
      const rows = (y0: number, y1: number) => {
        let sum = 0
        for (let y = y0; y < y1; y++) for (let x = 0; x < w; x++) sum += px[(y * w + x) * 4 + 1]!
        return sum / (w * (y1 - y0))
      }
      return { width: w, height: h, left: mean(0, w / 4), right: mean((3 * w) / 4, w), top: rows(0, h / 4), bottom: rows((3 * h) / 4, h) }
    } finally {
      image.free()
    }
  }

  for (const [label, width, height] of [['12 MP', 4000, 3000], ['24 MP', 6000, 4000]] as const) {
    it(`a ${label} JPEG (${width}×${height}) gets a real 320 px thumbnail, decoded at 1/8 scale`, async () => {
      expect(width * height).toBeGreaterThan(THUMBNAIL_PIXEL_CAP)
      const { file, job } = await pendingImage(syntheticJpeg(width, height, { restartInterval: 64 }))
      const result = await deliver(job)
      expect(result.explicitAcks).toHaveLength(1)
      expect(await rowOf(file.id)).toMatchObject({ thumbnailState: 'ready', thumbnailKey: `${file.r2Key}.thumb.jpg`, width, height })
      const thumb = await thumbnailOf(file.r2Key)
      expect(thumb).toMatchObject({ width: 320, height: Math.round((height * 320) / width) })
      // The picture, not a grey tile: the fixture's luma runs from dark (left) to bright (right).
      expect(thumb.right - thumb.left).toBeGreaterThan(100)
    })
  }

  it('a portrait phone photo (stored 6000×4000, EXIF orientation 6) gets an upright thumbnail', async () => {
    const { file, job } = await pendingImage(syntheticJpeg(6000, 4000, { orientation: 6 }))
    await deliver(job)
    expect(await rowOf(file.id)).toMatchObject({ thumbnailState: 'ready', width: 6000, height: 4000 })
    const thumb = await thumbnailOf(file.r2Key)
    expect(thumb).toMatchObject({ width: 320, height: 480 })
    // Turned clockwise, the stored dark-left/bright-right gradient runs dark-top/bright-bottom.
    expect(Math.abs(thumb.right - thumb.left)).toBeLessThan(20)
    expect(thumb.bottom - thumb.top).toBeGreaterThan(100)
  })

  it('a photo file above THUMBNAIL_MAX_BYTES is too_large before it is read whole or decoded', async () => {
    const photo = syntheticJpeg(4000, 3000)
    const heavy = new Uint8Array(THUMBNAIL_MAX_BYTES + 1) // the photo, then bytes after its EOI
    heavy.set(photo)
    await expectRefused(heavy, 'image/jpeg', 'too_large', { width: 4000, height: 3000 })
  })

  it('chooseThumbnailDecoder: whole up to 6 MP, a JPEG at 1/8 up to 50 MP, nothing above either cap or the byte cap', () => {
    const choose = (contentType: string, width: number, height: number, bytes = 1000) => chooseThumbnailDecoder({ contentType, width, height, bytes })
    expect(choose('image/png', 3000, 2000)).toBe('full')
    expect(choose('image/png', 3000, 2001)).toBeNull()
    expect(choose('image/jpeg', 3000, 2001)).toBe('jpeg-eighth')
    expect(choose('image/jpeg', 10000, 5000)).toBe('jpeg-eighth')
    expect(choose('image/jpeg', 10000, 5001)).toBeNull()
    expect(choose('image/jpeg', 4000, 3000, THUMBNAIL_MAX_BYTES)).toBe('jpeg-eighth')
    expect(choose('image/jpeg', 4000, 3000, THUMBNAIL_MAX_BYTES + 1)).toBeNull()
    expect(choose('image/png', 100, 100, THUMBNAIL_MAX_BYTES + 1)).toBeNull()
  })

  it('above the full-decode cap, what only photon could read is too_large: a PNG, a 12-bit or arithmetic-coded JPEG', async () => {
    await expectRefused(craftPng(4000, 3000), 'image/png', 'too_large', { width: 4000, height: 3000 })
    const twelveBit = craftJpeg(4000, 3000)
    twelveBit[6] = 12 // the SOF's sample precision
    await expectRefused(twelveBit, 'image/jpeg', 'too_large', { width: 4000, height: 3000 })
    const arithmetic = craftJpeg(4000, 3000)
    arithmetic[3] = 0xc9 // SOF9
    await expectRefused(arithmetic, 'image/jpeg', 'too_large', { width: 4000, height: 3000 })
  })
})
