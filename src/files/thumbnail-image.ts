import { PhotonImage, SamplingFilter, resize } from '@cf-wasm/photon'

/** Thumbnails are this wide (or the original width, when smaller). */
export const THUMBNAIL_WIDTH = 320

/**
 * Decodes an image with photon (WASM, imported as a shipped .wasm module: workerd compiles no WASM from
 * bytes) and encodes a JPEG THUMBNAIL_WIDTH px wide. Only the thumbnailer Worker imports this module.
 * Decoding holds the whole bitmap in WASM memory, which never shrinks: callers check the pixel cap first.
 */
export function makeThumbnail(bytes: Uint8Array, maxWidth = THUMBNAIL_WIDTH): { jpeg: Uint8Array; width: number; height: number } {
  const image = PhotonImage.new_from_byteslice(bytes)
  try {
    const width = image.get_width()
    const height = image.get_height()
    const targetWidth = Math.min(maxWidth, width)
    const targetHeight = Math.max(1, Math.round((height * targetWidth) / width))
    const small = resize(image, targetWidth, targetHeight, SamplingFilter.Triangle)
    try {
      return { jpeg: small.get_bytes_jpeg(82), width, height }
    } finally {
      small.free()
    }
  } finally {
    image.free()
  }
}
