/**
 * The largest bitmap an image can make the decoder allocate, read from its headers without decoding
 * (issue 19, docs/decisions/0053-frame-dimensions-before-decoding.md). The thumbnailer compares it with the
 * pixel cap (ADR 0051) before photon sees a byte. Every frame counts, not just the header a viewer shows
 * first: a GIF whose logical screen says 1×1 can hold a 10000×10000 frame, and the decoder allocates the
 * frame. Anything this module cannot account for — truncated, unknown or inconsistent — is not an image
 * we decode (ASVS 5.0 V5.2: what a file expands to is checked before it is processed, as for a
 * decompression bomb).
 *
 * The format comes from the bytes, not the stored type: the decoder (image 0.24 in photon) guesses from
 * the bytes too, so both must look at the same thing.
 */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp'

export type ImageDimensions =
  | { ok: true; contentType: `image/${ImageFormat}`; width: number; height: number }
  /** truncated: the bytes end before the answer (more of the file may tell); malformed: the answer cannot be trusted; unsupported: not one of the four formats. */
  | { ok: false; reason: 'truncated' | 'malformed' | 'unsupported' }

interface Size { width: number; height: number }

class Unreadable extends Error {
  constructor(readonly reason: 'truncated' | 'malformed') { super(reason) }
}

function refuse(reason: 'truncated' | 'malformed' = 'malformed'): never {
  throw new Unreadable(reason)
}

function ensure(condition: boolean): void {
  if (!condition) refuse()
}

// Bounds-checked reads: past the end is "truncated", never undefined arithmetic.
function u8(b: Uint8Array, at: number): number {
  if (at < 0 || at >= b.length) refuse('truncated')
  return b[at]!
}
const u16le = (b: Uint8Array, at: number) => u8(b, at) | (u8(b, at + 1) << 8)
const u16be = (b: Uint8Array, at: number) => (u8(b, at) << 8) | u8(b, at + 1)
const u24le = (b: Uint8Array, at: number) => u16le(b, at) | (u8(b, at + 2) << 16)
const u32le = (b: Uint8Array, at: number) => (u24le(b, at) | (u8(b, at + 3) << 24)) >>> 0
const u32be = (b: Uint8Array, at: number) => ((u16be(b, at) << 16) | u16be(b, at + 2)) >>> 0
const fourCc = (b: Uint8Array, at: number) => String.fromCharCode(u8(b, at), u8(b, at + 1), u8(b, at + 2), u8(b, at + 3))

function hasBytes(b: Uint8Array, signature: number[] | string, at = 0): boolean {
  const expected = typeof signature === 'string' ? [...signature].map((ch) => ch.charCodeAt(0)) : signature
  return b.length >= at + expected.length && expected.every((x, i) => b[at + i] === x)
}

function detectFormat(b: Uint8Array): ImageFormat | null {
  if (hasBytes(b, [0xff, 0xd8, 0xff])) return 'jpeg'
  if (hasBytes(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (hasBytes(b, 'GIF87a') || hasBytes(b, 'GIF89a')) return 'gif'
  if (hasBytes(b, 'RIFF') && hasBytes(b, 'WEBP', 8)) return 'webp'
  return null
}

/**
 * GIF: the logical screen and every Image Descriptor's extent (left+width, top+height), walking every
 * block to the trailer. Frames may lie outside the screen (decoders accept it), so the answer is the
 * largest of them all, not an error.
 */
function readGifSize(b: Uint8Array): Size {
  let width = u16le(b, 6)
  let height = u16le(b, 8)
  let at = 13 + colourTableBytes(u8(b, 10))
  let frames = 0
  for (;;) {
    const introducer = u8(b, at)
    if (introducer === 0x3b) break // trailer
    if (introducer === 0x21) { at = skipSubBlocks(b, at + 2); continue } // extension: label, then sub-blocks
    ensure(introducer === 0x2c) // anything else is not GIF
    const frameWidth = u16le(b, at + 5)
    const frameHeight = u16le(b, at + 7)
    ensure(frameWidth > 0 && frameHeight > 0)
    width = Math.max(width, u16le(b, at + 1) + frameWidth)
    height = Math.max(height, u16le(b, at + 3) + frameHeight)
    frames++
    at += 10 + colourTableBytes(u8(b, at + 9))
    u8(b, at) // LZW minimum code size
    at = skipSubBlocks(b, at + 1) // the LZW data
  }
  ensure(frames > 0)
  return { width, height }
}

function colourTableBytes(packed: number): number {
  return packed & 0x80 ? 3 * 2 ** ((packed & 0x07) + 1) : 0
}

function skipSubBlocks(b: Uint8Array, at: number): number {
  for (;;) {
    const size = u8(b, at)
    at += 1 + size
    if (size === 0) return at
  }
}

/**
 * PNG: IHDR, which must be the first chunk. An APNG (acTL before the first IDAT, as the spec requires) is
 * walked to IEND and every fcTL frame must fit inside IHDR's canvas, as the spec requires too.
 */
function readPngSize(b: Uint8Array): Size {
  ensure(u32be(b, 8) === 13 && fourCc(b, 12) === 'IHDR')
  const width = u32be(b, 16)
  const height = u32be(b, 20)
  ensure(width > 0 && height > 0 && width <= 0x7fffffff && height <= 0x7fffffff)
  let animated = false
  for (let at = 33; ;) {
    const length = u32be(b, at)
    const type = fourCc(b, at + 4)
    ensure(length <= 0x7fffffff)
    if (type === 'IEND' || (type === 'IDAT' && !animated)) break
    if (type === 'acTL') animated = true
    if (type === 'fcTL') {
      ensure(length >= 26)
      const frameWidth = u32be(b, at + 12)
      const frameHeight = u32be(b, at + 16)
      ensure(frameWidth > 0 && frameHeight > 0)
      ensure(u32be(b, at + 20) + frameWidth <= width && u32be(b, at + 24) + frameHeight <= height)
    }
    at += 12 + length
  }
  return { width, height }
}

const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc

/**
 * JPEG: walks the markers segment by segment (by their lengths, never by searching for FF bytes, so an
 * EXIF thumbnail's markers are never mistaken for the image's) to the first SOFn. The decoder refuses a
 * second frame header (hierarchical JPEG), so the first one is the bitmap. Height 0 means "given later by
 * a DNL marker": unknown, refused.
 */
function readJpegSize(b: Uint8Array): Size {
  let at = 2
  for (;;) {
    ensure(u8(b, at) === 0xff)
    while (u8(b, at + 1) === 0xff) at++ // fill bytes before a marker
    const marker = u8(b, at + 1)
    at += 2
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue // TEM, RSTn: no length
    ensure(marker !== 0x00 && marker !== 0xd8 && marker !== 0xd9 && marker !== 0xda) // no frame before SOS or EOI
    const length = u16be(b, at)
    ensure(length >= 2)
    if (isStartOfFrame(marker)) {
      ensure(length >= 8)
      const height = u16be(b, at + 3)
      const width = u16be(b, at + 5)
      ensure(width > 0 && height > 0)
      return { width, height }
    }
    at += length
  }
}

/** VP8 (lossy) bitstream at `at`: a key frame (bit 0 of the frame tag clear), start code 9D 01 2A, 14-bit sizes. */
function readVp8Size(b: Uint8Array, at: number): Size {
  ensure((u8(b, at) & 0x01) === 0)
  ensure(u8(b, at + 3) === 0x9d && u8(b, at + 4) === 0x01 && u8(b, at + 5) === 0x2a)
  const width = u16le(b, at + 6) & 0x3fff // the top two bits are an upscaling hint the decoder ignores
  const height = u16le(b, at + 8) & 0x3fff
  ensure(width > 0 && height > 0)
  return { width, height }
}

/** VP8L (lossless) bitstream at `at`: signature 0x2F, then 14-bit width−1, 14-bit height−1, alpha, version 0. */
function readVp8lSize(b: Uint8Array, at: number): Size {
  ensure(u8(b, at) === 0x2f)
  const bits = u32le(b, at + 1)
  ensure(bits >>> 29 === 0)
  return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 }
}

function readBitstreamSize(b: Uint8Array, type: string, at: number): Size | null {
  if (type === 'VP8 ') return readVp8Size(b, at)
  if (type === 'VP8L') return readVp8lSize(b, at)
  return null
}

const paddedChunk = (size: number) => 8 + size + (size & 1)

/**
 * WebP: the simple formats' bitstream header, or VP8X's canvas. A still VP8X image's bitstream must be the
 * canvas size; an animated one's ANMF frames must lie inside the canvas and their bitstreams must be the
 * frame's size (what the WebP container spec requires and libwebp checks).
 */
function readWebpSize(b: Uint8Array): Size {
  const riffEnd = 8 + u32le(b, 4)
  const first = fourCc(b, 12)
  const simple = readBitstreamSize(b, first, 20)
  if (simple) return simple
  ensure(first === 'VP8X' && u32le(b, 16) >= 10)
  const animated = (u8(b, 20) & 0x02) !== 0
  const canvas = { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 }
  let frames = 0
  for (let at = 12 + paddedChunk(u32le(b, 16)); ;) {
    if (at >= riffEnd) break
    const type = fourCc(b, at)
    const size = u32le(b, at + 4)
    if (!animated && (type === 'VP8 ' || type === 'VP8L')) {
      const still = readBitstreamSize(b, type, at + 8)!
      ensure(still.width === canvas.width && still.height === canvas.height)
      return canvas
    }
    if (animated && type === 'ANMF') {
      ensure(size >= 16)
      const frame = { width: u24le(b, at + 14) + 1, height: u24le(b, at + 17) + 1 }
      ensure(2 * u24le(b, at + 8) + frame.width <= canvas.width && 2 * u24le(b, at + 11) + frame.height <= canvas.height)
      const bitstream = readAnimationFrameSize(b, at + 24, at + 8 + size)
      ensure(bitstream.width === frame.width && bitstream.height === frame.height)
      frames++
    }
    at += paddedChunk(size)
  }
  ensure(animated && frames > 0) // a still VP8X without a bitstream, or an animation without frames
  return canvas
}

/** The bitstream inside an ANMF frame: an optional ALPH chunk, then VP8 or VP8L. */
function readAnimationFrameSize(b: Uint8Array, at: number, end: number): Size {
  for (; at < end; at += paddedChunk(u32le(b, at + 4))) {
    const type = fourCc(b, at)
    const size = readBitstreamSize(b, type, at + 8)
    if (size) return size
    ensure(type === 'ALPH')
  }
  return refuse()
}

const READERS: Record<ImageFormat, (b: Uint8Array) => Size> = { gif: readGifSize, png: readPngSize, jpeg: readJpegSize, webp: readWebpSize }

/**
 * The largest width and height decoding `bytes` can need, from headers only (no pixel data is read or
 * decompressed). Pure; reads nothing past `bytes`. `truncated` when `bytes` is a prefix that ends before
 * the answer — GIF frames and APNG/animated WebP frames can sit anywhere in a file, so read more and ask
 * again, or refuse when `bytes` was the whole file.
 */
export function readImageDimensions(bytes: Uint8Array): ImageDimensions {
  const format = detectFormat(bytes)
  if (format === null) return { ok: false, reason: 'unsupported' }
  try {
    return { ok: true, contentType: `image/${format}`, ...READERS[format](bytes) }
  } catch (err) {
    if (err instanceof Unreadable) return { ok: false, reason: err.reason }
    throw err
  }
}
