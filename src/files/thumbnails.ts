import { z } from 'zod'
import type { FileRow } from './schema'

/** The queue (wrangler.toml) whose consumer is the thumbnailer Worker (workers/thumbnailer/). */
export const THUMBNAIL_QUEUE = 'quickscale-thumbnails'
export const THUMBNAIL_DEAD_LETTER_QUEUE = 'quickscale-thumbnails-dlq'

/**
 * Decoding a whole bitmap with photon (any format) costs about 12.8 bytes per pixel of WASM memory at the
 * peak, memory that grows and is never given back (4 MP → 52 MiB, 6 MP → 78 MiB, 12 MP → 154 MiB;
 * ADR 0051). A Worker isolate has 128 MB for everything, so photon decodes whole images up to 6 MP only.
 */
export const THUMBNAIL_PIXEL_CAP = 6_000_000

/**
 * A JPEG above THUMBNAIL_PIXEL_CAP is decoded at 1/8 scale (jpeg-eighth.ts: one pixel per 8×8 block), which
 * costs a few bytes per block instead of per pixel. bench/thumbnail-memory.mjs measured inside workerd
 * what one thumbnail adds at its peak: about 25 MiB for a 24 MP photo, 43 MiB for a 48 MP one of 13.7 MiB:
 * the original's bytes cost more than its pixels (THUMBNAIL_MAX_BYTES). Above this: `too_large`
 * (docs/performance.md, docs/decisions/0054-jpeg-thumbnails-at-eighth-scale.md).
 */
export const JPEG_THUMBNAIL_PIXEL_CAP = 50_000_000

/**
 * Files above this many bytes get no thumbnail, whatever their pixels: the consumer holds the original in
 * memory while decoding, and an isolate keeps the WASM memory an earlier 6 MP whole-bitmap decode grew
 * (78 MiB). bench/thumbnail-memory.mjs, in such an isolate: a 10.2 MiB JPEG grows workerd by 108 MiB in
 * all, a 13.7 MiB one by 118 MiB, a 23.3 MiB one by 127–136 MiB (a Worker has 128 MB). Phone photos of
 * 12 and 24 MP weigh 2–8 MB; many 48 MP ones fit. Bigger files: `too_large`.
 */
export const THUMBNAIL_MAX_BYTES = 10 * 1024 * 1024

/** How an image's thumbnail is decoded (thumbnail-image.ts). */
export type ThumbnailDecoder = 'full' | 'jpeg-eighth'

/**
 * The one rule for which images get a thumbnail and how, from the header dimensions (image-dimensions.ts)
 * and the file's size in bytes: small images of any format are decoded whole, large JPEGs at 1/8 scale,
 * anything else is too large (null).
 */
export function chooseThumbnailDecoder(image: { contentType: string; width: number; height: number; bytes: number }): ThumbnailDecoder | null {
  if (image.bytes > THUMBNAIL_MAX_BYTES) return null
  const pixels = image.width * image.height
  if (pixels <= THUMBNAIL_PIXEL_CAP) return 'full'
  if (image.contentType === 'image/jpeg' && pixels <= JPEG_THUMBNAIL_PIXEL_CAP) return 'jpeg-eighth'
  return null
}

/** Attempts before a thumbnail is marked `failed`: the first delivery plus max_retries (3, workers/thumbnailer/wrangler.toml). */
export const THUMBNAIL_MAX_ATTEMPTS = 4

export const thumbnailJobSchema = z.object({ fileId: z.uuid(), userId: z.uuid(), key: z.string().min(1), contentType: z.string() })
export type ThumbnailJob = z.infer<typeof thumbnailJobSchema>

export async function enqueueThumbnail(env: Pick<Env, 'THUMBNAILS'>, file: FileRow): Promise<void> {
  const job: ThumbnailJob = { fileId: file.id, userId: file.userId, key: file.r2Key, contentType: file.contentType }
  await env.THUMBNAILS.send(job, { contentType: 'json' })
}

/** 10 s, 20 s, 40 s … between attempts. */
export function thumbnailBackoffSeconds(attempts: number): number {
  return Math.min(10 * 2 ** Math.max(attempts - 1, 0), 300)
}
