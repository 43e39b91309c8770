import { PhotonImage } from '@cf-wasm/photon'
import { describe, expect, it } from 'vitest'
import { UnsupportedJpegError, decodeJpegEighth, type EighthImage } from '../../src/files/jpeg-eighth'
import { PHOTO_JPG } from '../fixtures/files/images'
import { craftJpeg } from '../fixtures/files/crafted-images'
import { syntheticBlockMean, syntheticJpeg } from '../fixtures/files/synthetic-jpeg'

const decode = (b64: string) => Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))
// `jpegtran -crop 64x48+96+64 -progressive -restart 1 photo.jpg`: progressive (DC scans with successive
// approximation, AC scans to skip), a restart marker every MCU.
const PROGRESSIVE_RESTART_JPG = decode('/9j/4AAQSkZJRgABAgAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wgARCAAwAEADAREAAhEBAxEB/8QAGAABAAMBAAAAAAAAAAAAAAAAAQIFBgD/xAAZAQEBAQEBAQAAAAAAAAAAAAABAAIFAwT/3QAEAAj/2gAMAwEAAhADEAAAAcx3PNtItpFtItr/0M32/JFtMpplFtf/0c72vBNSlNMotpH/0qDsfOyympD1pFtf/9Oj6/yspplNMppn/9Sl63xyNdKalKaZTX//xAAUEAEAAAAAAAAAAAAAAAAAAAAw/9oACAEBAAEFAg//0A//0Q//0g//0w//1A//xAAUEQEAAAAAAAAAAAAAAAAAAAAw/9oACAEDAQE/AQ//0A//0Q//0g//0w//1A//xAAUEQEAAAAAAAAAAAAAAAAAAAAw/9oACAECAQE/AQ//0A//0Q//0g//0w//1A//xAAUEAEAAAAAAAAAAAAAAAAAAAAw/9oACAEBAAY/Ag//0A//0Q//0g//0w//1A//xAAXEAEBAQEAAAAAAAAAAAAAAAARAAEQ/9oACAEBAAE/IY4R0v/QIiOERf/RIjmZFmc//9LMiIiI5//TIiIiIv/UiI4czL//2gAMAwEAAgADAAAAEPPPPP/QTRw4/9G4osP/0trHPP/TRRRR/9Sq4or/xAAVEQEBAAAAAAAAAAAAAAAAAAABAP/aAAgBAwEBPxAYYYYYYYb/0Bhhhhhhhv/RGGGGGGGG/9IYYYYYYYb/0xhhhhhhhv/UGGGGGGGG/8QAFREBAQAAAAAAAAAAAAAAAAAAABH/2gAIAQIBAT8Qqqqqqv/Qqqqqqv/Rqqqqqv/Sqqqqqv/Tqqqqqv/Uqqqqqv/EAB4QAQEAAgIDAQEAAAAAAAAAAAEAESEQMUFhcVHx/9oACAEBAAE/EAYgbzENiD1B37jwb//QNIhpwx1iIaRP/9EhCYuyOBi//9IPMfxEBG0Q2xqDWL//0yEOAhCE/9QL4iEA1r7ED8thf//Z')
// `jpegtran -crop 64x48+96+64 -grayscale photo.jpg`: one component.
const GREY_JPG = decode('/9j/4AAQSkZJRgABAgAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/wAALCAAwAEABAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/APMgDTgtOA5zTgtOC8inAe1OA6+9OC9jVYLxTgtOC8U7bT8dMUoWnheKULVYLTgtPC07FOVetOC05Vp2KrKo704L/wDqpwWnBRTwvNKFpwXnHFOA4xVYLTgtOC07bTgtOC04LTgtVgKft9qULTgtPAHHH1pwWnAelOVeRX//2Q==')

/**
 * The mean absolute difference, per channel, between the 1/8 decode and photon's full decode averaged
 * over each 8×8 block: an independent decoder as the reference.
 */
function differenceFromPhoton(bytes: Uint8Array, eighth: EighthImage): number {
  const image = PhotonImage.new_from_byteslice(bytes)
  try {
    const w = image.get_width(), h = image.get_height(), px = image.get_raw_pixels()
    let sum = 0, n = 0
    for (let by = 0; by < eighth.scaledHeight; by++) for (let bx = 0; bx < eighth.scaledWidth; bx++) for (let c = 0; c < 3; c++) {
      let total = 0, count = 0
      for (let y = by * 8; y < Math.min(h, by * 8 + 8); y++) for (let x = bx * 8; x < Math.min(w, bx * 8 + 8); x++) { total += px[(y * w + x) * 4 + c]!; count++ }
      sum += Math.abs(total / count - eighth.rgba[(by * eighth.scaledWidth + bx) * 4 + c]!)
      n++
    }
    return sum / n
  } finally {
    image.free()
  }
}

describe('decodeJpegEighth: one pixel per 8×8 block, the block mean', () => {
  it('agrees with photon on real files: baseline 4:2:0, progressive with restarts, greyscale', () => {
    for (const [name, bytes, width, height] of [['photo', PHOTO_JPG, 400, 300], ['progressive', PROGRESSIVE_RESTART_JPG, 64, 48], ['grey', GREY_JPG, 64, 48]] as const) {
      const eighth = decodeJpegEighth(bytes, 1e6)
      expect(eighth, name).toMatchObject({ width, height, scaledWidth: Math.ceil(width / 8), scaledHeight: Math.ceil(height / 8) })
      // Within a grey level or two: photon's smooth chroma upsampling differs from block-nearest.
      expect(differenceFromPhoton(bytes, eighth), name).toBeLessThan(2)
    }
  })

  it('the synthetic fixture encoder makes files photon reads as intended, and the 1/8 decode reads them alike', () => {
    for (const options of [{}, { subsampling: '4:4:4' as const, restartInterval: 7 }, { restartInterval: 5 }]) {
      const bytes = syntheticJpeg(403, 301, options)
      const eighth = decodeJpegEighth(bytes, 1e6)
      expect(differenceFromPhoton(bytes, eighth), JSON.stringify(options)).toBeLessThan(2.5)
    }
    // 4:4:4: output pixel (x, y) is block (x, y) of each component, converted from YCbCr as JFIF says.
    const eighth = decodeJpegEighth(syntheticJpeg(400, 300, { subsampling: '4:4:4' }), 1e6)
    for (const [x, y] of [[0, 0], [49, 37], [20, 10]] as const) {
      const [Y, cb, cr] = [0, 1, 2].map((c) => syntheticBlockMean(c, x, y, 50, 38)) as [number, number, number]
      const expected = [Y + 1.402 * (cr - 128), Y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128), Y + 1.772 * (cb - 128)]
        .map((v) => Math.max(0, Math.min(255, Math.round(v))))
      expect([...eighth.rgba.subarray((y * 50 + x) * 4, (y * 50 + x) * 4 + 4)], `${x},${y}`).toEqual([...expected, 255])
    }
  })

  it('refuses, as unsupported and before allocating, what it does not read; corrupt data is a plain error', () => {
    const withSof = (marker: number, precision = 8) => {
      const jpeg = craftJpeg(4000, 3000) // FF D8, then the SOF: FF C0, length, precision, …
      jpeg[3] = marker
      jpeg[6] = precision
      return jpeg
    }
    expect(() => decodeJpegEighth(withSof(0xc0, 12), 50e6)).toThrow(UnsupportedJpegError) // 12-bit
    expect(() => decodeJpegEighth(withSof(0xc9), 50e6)).toThrow(UnsupportedJpegError) // arithmetic coding
    expect(() => decodeJpegEighth(withSof(0xc3), 50e6)).toThrow(UnsupportedJpegError) // lossless
    expect(() => decodeJpegEighth(syntheticJpeg(4000, 3000), 11_999_999)).toThrow(UnsupportedJpegError) // over the cap it is given
    expect(() => decodeJpegEighth(new Uint8Array([0x89, 0x50, 0x4e, 0x47]), 1e6)).toThrow(/JPEG: no SOI/)
    const garbage = craftJpeg(100, 100) // its scan is two bytes of 0x55 and has no tables
    expect(() => decodeJpegEighth(garbage, 1e6)).toThrow(Error)
    expect(() => decodeJpegEighth(garbage, 1e6)).not.toThrow(UnsupportedJpegError)
  })
})

describe('decodeJpegEighth: a header that lies fails with its reason, before any pixel is read', () => {
  // Hand-made marker segments: FF, marker, 16-bit length (counting itself), body.
  const SOI = [0xff, 0xd8], EOI = [0xff, 0xd9]
  const segment = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]
  const sof = (marker: number, width: number, height: number, comps: Array<[id: number, hv: number, tq: number]>) =>
    segment(marker, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, comps.length, ...comps.flat()])
  const YCC: Array<[number, number, number]> = [[1, 0x22, 0], [2, 0x11, 1], [3, 0x11, 1]]
  const GREY: Array<[number, number, number]> = [[1, 0x11, 0]]
  const sos = (comps: Array<[id: number, tables: number]>, ss = 0, se = 63, a = 0) => segment(0xda, [comps.length, ...comps.flat(), ss, se, a])
  const dqt = (id: number, sixteenBit = false) => segment(0xdb, [(sixteenBit ? 0x10 : 0) | id, ...Array(sixteenBit ? 128 : 64).fill(sixteenBit ? 0 : 1)])
  // One code of length 1 for symbol 0: enough for a table to exist.
  const dht = (tcTh: number) => segment(0xc4, [tcTh, 1, ...Array(15).fill(0), 0])
  const decode = (...parts: number[][]) => () => decodeJpegEighth(new Uint8Array(parts.flat()), 1e6)

  it('marker structure: no marker, cut segments, no frame, two frames, a scan first', () => {
    expect(decode(SOI, [0x00, 0x10])).toThrow('JPEG: marker expected')
    expect(decode(SOI, [0xff, 0xe0, 0x00])).toThrow('JPEG: truncated segment')
    expect(decode(SOI, [0xff, 0xe0, 0x01, 0x00, 0x4a])).toThrow('JPEG: segment overruns the file')
    expect(decode(SOI, [0xff, 0xe0, 0x00, 0x01])).toThrow('JPEG: segment overruns the file') // a length under 2
    // Fill bytes, a stray RST0 and TEM are stepped over; still no frame.
    expect(decode(SOI, [0xff, 0xff, 0xff, 0xd0, 0xff, 0x01], EOI)).toThrow('JPEG: no frame')
    expect(decode(SOI, sof(0xc0, 16, 16, GREY), sof(0xc1, 16, 16, GREY), EOI)).toThrow('JPEG: second frame header')
    expect(decode(SOI, sos([[1, 0]]), EOI)).toThrow('JPEG: scan before frame')
    expect(decode(SOI, sof(0xc0, 16, 16, GREY), EOI)).toThrow('JPEG: a component has no scan')
  })

  it('frame header: too short, zero size, two or four components, sampling factors', () => {
    expect(decode(SOI, segment(0xc0, [8, 0, 16, 0]), EOI)).toThrow('JPEG: short SOF')
    expect(decode(SOI, sof(0xc0, 0, 16, GREY), EOI)).toThrow('JPEG: zero size')
    expect(decode(SOI, sof(0xc0, 16, 16, YCC.slice(0, 2)), EOI)).toThrow(new UnsupportedJpegError('JPEG: 2 components'))
    expect(decode(SOI, segment(0xc0, [8, 0, 16, 0, 16, 3, 1, 0x11, 0]), EOI)).toThrow('JPEG: short SOF') // says 3, holds 1
    expect(decode(SOI, sof(0xc0, 16, 16, [[1, 0x51, 0], [2, 0x11, 1], [3, 0x11, 1]]), EOI)).toThrow('JPEG: sampling factor')
    expect(decode(SOI, sof(0xc0, 16, 16, [[1, 0x30, 0], [2, 0x11, 1], [3, 0x11, 1]]), EOI)).toThrow('JPEG: sampling factor')
    expect(decode(SOI, sof(0xc0, 16, 16, [[1, 0x33, 0], [2, 0x22, 1], [3, 0x11, 1]]), EOI)).toThrow(new UnsupportedJpegError('JPEG: non-integer sampling ratio'))
  })

  it('tables and scans: short or over-full Huffman tables, unknown components, missing tables', () => {
    const frame = sof(0xc0, 16, 16, GREY)
    expect(decode(SOI, segment(0xc4, [0x00, 1, 0, 0]), EOI)).toThrow('JPEG: short DHT')
    expect(decode(SOI, segment(0xc4, [0x00, 3, ...Array(15).fill(0), 1, 2, 3]), EOI)).toThrow('JPEG: bad Huffman table') // three 1-bit codes
    expect(decode(SOI, frame, segment(0xda, [0, 0, 63, 0]), EOI)).toThrow('JPEG: bad SOS')
    expect(decode(SOI, frame, sos([[9, 0]]), EOI)).toThrow('JPEG: scan names an unknown component')
    expect(decode(SOI, frame, sos([[1, 0]]), EOI)).toThrow('JPEG: missing quantisation table')
    expect(decode(SOI, dqt(0, true), frame, sos([[1, 0]]), EOI)).toThrow('JPEG: missing DC table')
    expect(decode(SOI, dqt(0), dht(0x00), frame, sos([[1, 0]]), EOI)).toThrow('JPEG: missing AC table')
    const progressive = sof(0xc2, 16, 16, GREY)
    expect(decode(SOI, dqt(0), dht(0x00), progressive, sos([[1, 0]], 0, 5), EOI)).toThrow('JPEG: progressive DC scan with AC')
  })

  it('reads RGB, not YCbCr, when an Adobe segment says so (transform 0)', () => {
    const ycc = syntheticJpeg(400, 300, { subsampling: '4:4:4' })
    const adobe = segment(0xee, [...'Adobe'].map((c) => c.charCodeAt(0)).concat([0, 100, 0, 0, 0, 0, 0]))
    const rgb = decodeJpegEighth(new Uint8Array([...SOI, ...adobe, ...ycc.subarray(2)]), 1e6)
    for (const [x, y] of [[0, 0], [49, 37]] as const) {
      const raw = [0, 1, 2].map((c) => syntheticBlockMean(c, x, y, 50, 38))
      expect([...rgb.rgba.subarray((y * 50 + x) * 4, (y * 50 + x) * 4 + 4)], `${x},${y}`).toEqual([...raw, 255])
    }
  })
})
