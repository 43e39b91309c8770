// The thumbnailer Worker: only the THUMBNAILS consumer (src/files/thumbnail-consumer.ts) and the image
// library it needs. Kept out of the web Worker (docs/decisions/0050-thumbnailer-worker.md).
import { consumeThumbnailQueue, type ThumbnailerEnv } from '../../src/files/thumbnail-consumer'

export default {
  async fetch() {
    return new Response('The thumbnailer only consumes the THUMBNAILS queue.', { status: 404 })
  },
  async queue(batch, env) {
    await consumeThumbnailQueue(batch, env)
  },
} satisfies ExportedHandler<ThumbnailerEnv>
