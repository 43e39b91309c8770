import { z } from 'zod'
import type { FileRow } from './schema'

/** The queue (wrangler.toml) whose consumer is the thumbnailer Worker (workers/thumbnailer/). */
export const THUMBNAIL_QUEUE = 'quickscale-thumbnails'
export const THUMBNAIL_DEAD_LETTER_QUEUE = 'quickscale-thumbnails-dlq'

/**
 * Images above this many pixels get no thumbnail (state `none`, an icon instead). photon decodes the whole
 * bitmap into WASM memory, which grows and is never given back: bench/thumbnail.mjs measured about
 * 12.8 bytes per pixel at the peak (4 MP → 52 MiB, 6 MP → 78 MiB, 8 MP → 103 MiB, 12 MP → 154 MiB). A
 * Worker isolate has 128 MB for everything, so 6 MP keeps the peak near 80 MiB with room for the JS heap
 * (docs/files.md, docs/decisions/0051-thumbnail-pixel-cap.md).
 */
export const THUMBNAIL_PIXEL_CAP = 6_000_000

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
