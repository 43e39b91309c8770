/**
 * The EXIF Orientation (tag 0x0112 of IFD0 in a JPEG's APP1 "Exif" segment), 1–8, or 1 when absent or
 * unreadable. Phone cameras store the sensor's landscape pixels and record the way the phone was held
 * here: a portrait photo is usually orientation 6 (rotate 90° clockwise to display). Headers only; every
 * read is bounds-checked, anything odd answers 1 (show the pixels as stored, as before).
 */
export function readJpegOrientation(bytes: Uint8Array): number {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return 1
  let pos = 2
  while (pos + 4 <= bytes.length && bytes[pos] === 0xff) {
    const marker = bytes[pos + 1]!
    if (marker === 0xff) { pos++; continue } // fill byte
    if (marker === 0xda || marker === 0xd9) return 1 // scan data or end: no EXIF before it
    const length = (bytes[pos + 2]! << 8) | bytes[pos + 3]!
    if (length < 2) return 1
    if (marker === 0xe1) {
      const orientation = orientationFromExif(bytes.subarray(pos + 4, Math.min(bytes.length, pos + 2 + length)))
      if (orientation !== null) return orientation
    }
    pos += 2 + length
  }
  return 1
}

function orientationFromExif(app1: Uint8Array): number | null {
  // "Exif\0\0", then a TIFF header: byte order ("II" little-endian, "MM" big-endian), 42, IFD0's offset.
  if (String.fromCharCode(...app1.subarray(0, 6)) !== 'Exif\0\0') return null
  const tiff = app1.subarray(6)
  if (tiff.length < 8) return 1
  const little = tiff[0] === 0x49 && tiff[1] === 0x49
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return 1
  const u16 = (at: number) => (little ? tiff[at]! | (tiff[at + 1]! << 8) : (tiff[at]! << 8) | tiff[at + 1]!)
  const u32 = (at: number) => (little ? u16(at) + u16(at + 2) * 65536 : u16(at) * 65536 + u16(at + 2))
  if (u16(2) !== 42) return 1
  const ifd = u32(4)
  if (ifd + 2 > tiff.length) return 1
  const count = u16(ifd)
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + 12 * i
    if (entry + 12 > tiff.length) return 1
    // Orientation: type SHORT (3), count 1, the value in the first two bytes of the value field.
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8)
      return u16(entry + 2) === 3 && value >= 1 && value <= 8 ? value : 1
    }
  }
  return 1
}

/** Orientations 5–8 swap width and height for display. */
export const swapsAxes = (orientation: number) => orientation >= 5

/**
 * Turns stored RGBA pixels (`width`×`height`) into display order for an EXIF orientation. Run on the
 * thumbnail (320 px), never on the original: the cost is nothing next to decoding.
 */
export function orientPixels(pixels: Uint8Array, width: number, height: number, orientation: number): { pixels: Uint8Array; width: number; height: number } {
  if (orientation < 2 || orientation > 8) return { pixels, width, height }
  const [dw, dh] = swapsAxes(orientation) ? [height, width] : [width, height]
  const out = new Uint8Array(pixels.length)
  for (let y = 0; y < dh; y++) for (let x = 0; x < dw; x++) {
    // The stored pixel (sx, sy) shown at display (x, y).
    let sx: number, sy: number
    switch (orientation) {
      case 2: sx = width - 1 - x; sy = y; break // mirrored
      case 3: sx = width - 1 - x; sy = height - 1 - y; break // upside down
      case 4: sx = x; sy = height - 1 - y; break // mirrored vertically
      case 5: sx = y; sy = x; break // transposed
      case 6: sx = y; sy = height - 1 - x; break // rotate 90° clockwise to display
      case 7: sx = width - 1 - y; sy = height - 1 - x; break // transversed
      default: sx = width - 1 - y; sy = x // 8: rotate 90° counter-clockwise to display
    }
    out.set(pixels.subarray((sy * width + sx) * 4, (sy * width + sx) * 4 + 4), (y * dw + x) * 4)
  }
  return { pixels: out, width: dw, height: dh }
}
