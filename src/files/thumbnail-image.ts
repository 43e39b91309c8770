import { PhotonImage, SamplingFilter, resize } from '@cf-wasm/photon'
import { orientPixels, readJpegOrientation, swapsAxes } from './exif-orientation'
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
 * A JPEG's EXIF orientation is applied to the thumbnail, so a portrait phone photo stands upright.
 * `width`/`height` stay the stored (header) dimensions, as for a refused image.
 */
export function makeThumbnail(bytes: Uint8Array, decoder: ThumbnailDecoder, maxWidth = THUMBNAIL_WIDTH): Thumbnail {
  const orientation = readJpegOrientation(bytes)
  if (decoder === 'jpeg-eighth') {
    const eighth = decodeJpegEighth(bytes, JPEG_THUMBNAIL_PIXEL_CAP)
    const image = new PhotonImage(eighth.rgba, eighth.scaledWidth, eighth.scaledHeight)
    try {
      return { jpeg: shrinkToJpeg(image, eighth.width, eighth.height, orientation, maxWidth), width: eighth.width, height: eighth.height }
    } finally {
      image.free()
    }
  }
  const image = PhotonImage.new_from_byteslice(bytes)
  try {
    const width = image.get_width()
    const height = image.get_height()
    return { jpeg: shrinkToJpeg(image, width, height, orientation, maxWidth), width, height }
  } finally {
    image.free()
  }
}

/**
 * Resizes `image` to the thumbnail of a `width`×`height` original (the image may be a 1/8 decode of it),
 * `maxWidth` wide as displayed: for orientations that turn the picture, the stored height becomes the width.
 */
function shrinkToJpeg(image: PhotonImage, width: number, height: number, orientation: number, maxWidth: number): Uint8Array {
  const [shownWidth, shownHeight] = swapsAxes(orientation) ? [height, width] : [width, height]
  const targetWidth = Math.min(maxWidth, shownWidth)
  const targetHeight = Math.max(1, Math.round((shownHeight * targetWidth) / shownWidth))
  const [storedWidth, storedHeight] = swapsAxes(orientation) ? [targetHeight, targetWidth] : [targetWidth, targetHeight]
  const small = resize(image, storedWidth, storedHeight, SamplingFilter.Triangle)
  try {
    if (orientation === 1) return small.get_bytes_jpeg(82)
    const shown = orientPixels(small.get_raw_pixels(), storedWidth, storedHeight, orientation)
    const upright = new PhotonImage(shown.pixels, shown.width, shown.height)
    try {
      return upright.get_bytes_jpeg(82)
    } finally {
      upright.free()
    }
  } finally {
    small.free()
  }
}
