import { PhotonImage, SamplingFilter, resize } from '@cf-wasm/photon'
import { decodeJpegEighth } from './jpeg-eighth'
import { JPEG_THUMBNAIL_PIXEL_CAP, type ThumbnailDecoder } from './thumbnails'

/** Thumbnails are this wide (or the original width, when smaller). */
export const THUMBNAIL_WIDTH = 320

export interface Thumbnail { jpeg: Uint8Array; width: number; height: number }

/**
 * Makes the JPEG thumbnail, THUMBNAIL_WIDTH px wide, with the decoder `chooseThumbnailDecoder` picked
 * (thumbnails.ts). Only the thumbnailer Worker imports this module: photon is WASM, imported as a shipped
 * .wasm module (workerd compiles no WASM from bytes), and its memory grows and never shrinks.
 * - `full`: photon decodes the whole bitmap (~12.8 bytes per pixel at the peak): small images, any format.
 * - `jpeg-eighth`: jpeg-eighth.ts decodes one pixel per 8×8 block (a 6000×4000 photo becomes 750×500)
 *   and photon only resizes and encodes that. Throws `UnsupportedJpegError` for JPEG variants it does
 *   not read (the caller refuses those as too large: photon could not hold them either).
 */
export function makeThumbnail(bytes: Uint8Array, decoder: ThumbnailDecoder, maxWidth = THUMBNAIL_WIDTH): Thumbnail {
  if (decoder === 'jpeg-eighth') {
    const eighth = decodeJpegEighth(bytes, JPEG_THUMBNAIL_PIXEL_CAP)
    const image = new PhotonImage(eighth.rgba, eighth.scaledWidth, eighth.scaledHeight)
    try {
      return { jpeg: shrinkToJpeg(image, eighth.width, eighth.height, maxWidth), width: eighth.width, height: eighth.height }
    } finally {
      image.free()
    }
  }
  const image = PhotonImage.new_from_byteslice(bytes)
  try {
    const width = image.get_width()
    const height = image.get_height()
    return { jpeg: shrinkToJpeg(image, width, height, maxWidth), width, height }
  } finally {
    image.free()
  }
}

/** Resizes `image` to the thumbnail of a `width`×`height` original (the image may be a 1/8 decode of it). */
function shrinkToJpeg(image: PhotonImage, width: number, height: number, maxWidth: number): Uint8Array {
  const targetWidth = Math.min(maxWidth, width)
  const targetHeight = Math.max(1, Math.round((height * targetWidth) / width))
  const small = resize(image, targetWidth, targetHeight, SamplingFilter.Triangle)
  try {
    return small.get_bytes_jpeg(82)
  } finally {
    small.free()
  }
}
