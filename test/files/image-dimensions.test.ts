import { describe, expect, it } from 'vitest'
import { readImageDimensions } from '../../src/files/image-dimensions'
import { PHOTO_JPG, SMALL_PNG } from '../fixtures/files/images'
import {
  ANIM, APP1_WITH_THUMBNAIL, GIF_BOMB, REAL_GIF_1X1, REAL_WEBP_ALPHA_1X1, REAL_WEBP_ANIMATED_1X1, REAL_WEBP_LOSSLESS_1X1, REAL_WEBP_LOSSY_1X1,
  acTL, anmf, craftGif, craftJpeg, craftPng, craftWebp, fcTL, vp8Bitstream, vp8lBitstream, vp8x,
} from '../fixtures/files/crafted-images'

const size = (contentType: string, width: number, height: number) => ({ ok: true, contentType, width, height })
const refused = (reason: 'truncated' | 'malformed' | 'unsupported') => ({ ok: false, reason })

describe('readImageDimensions: GIF walks every block to the largest frame', () => {
  it('the issue-19 bomb: a 1×1 screen with a 10000×10000 frame is 10000×10000, not 1×1', () => {
    expect(GIF_BOMB.length).toBeLessThan(100)
    expect(readImageDimensions(GIF_BOMB)).toEqual(size('image/gif', 10000, 10000))
  })

  it('takes the largest extent (position + size) over the screen and every frame, past extensions and colour tables', () => {
    const gif = craftGif({ width: 100, height: 80 }, [
      { width: 100, height: 80, lzwBytes: 600 },
      { left: 60000, top: 10, width: 5000, height: 70 },
      { left: 0, top: 0, width: 10, height: 3000 },
    ])
    expect(readImageDimensions(gif)).toEqual(size('image/gif', 65000, 3000))
    // A local colour table (flag 0x80, 4 entries) is skipped too.
    const local = craftGif({ width: 2, height: 2 }, [{ width: 2, height: 2 }, { width: 4000, height: 3000 }])
    const at = local.indexOf(0x2c, local.indexOf(0x2c) + 1)
    const withTable = new Uint8Array([...local.subarray(0, at + 9), 0x81, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, ...local.subarray(at + 10)])
    expect(readImageDimensions(withTable)).toEqual(size('image/gif', 4000, 3000))
  })

  it('a frame after 256 KiB of LZW data: truncated in the first 256 KiB, found in the whole file', () => {
    const gif = craftGif({ width: 1, height: 1 }, [{ width: 1, height: 1, lzwBytes: 300_000 }, { width: 10000, height: 10000 }])
    expect(readImageDimensions(gif.subarray(0, 256 * 1024))).toEqual(refused('truncated'))
    expect(readImageDimensions(gif)).toEqual(size('image/gif', 10000, 10000))
  })

  it('refuses no frames, an unknown block and an empty frame', () => {
    expect(readImageDimensions(craftGif({ width: 10, height: 10 }, []))).toEqual(refused('malformed'))
    const unknown = craftGif({ width: 10, height: 10 }, [{ width: 10, height: 10 }])
    unknown[unknown.length - 1] = 0x99
    expect(readImageDimensions(unknown)).toEqual(refused('malformed'))
    expect(readImageDimensions(craftGif({ width: 10, height: 10 }, [{ width: 0, height: 10 }]))).toEqual(refused('malformed'))
  })

  it('a real GIF', () => {
    expect(readImageDimensions(REAL_GIF_1X1)).toEqual(size('image/gif', 1, 1))
  })
})

describe('readImageDimensions: PNG', () => {
  it('IHDR, however large; the generated fixture', () => {
    expect(readImageDimensions(craftPng(100_000, 100_000))).toEqual(size('image/png', 100_000, 100_000))
    expect(readImageDimensions(SMALL_PNG)).toEqual(size('image/png', 64, 48))
  })

  it('refuses a first chunk that is not IHDR, and zero sizes', () => {
    const notFirst = craftPng(10, 10)
    notFirst.set([0x69, 0x48, 0x44, 0x52], 12) // "iHDR"
    expect(readImageDimensions(notFirst)).toEqual(refused('malformed'))
    expect(readImageDimensions(craftPng(0, 10))).toEqual(refused('malformed'))
  })

  it('APNG: every fcTL frame (before and after the first IDAT) must fit in IHDR', () => {
    expect(readImageDimensions(craftPng(100, 100, [acTL(2), fcTL(0, 100, 100), fcTL(1, 50, 50, 50, 50)]))).toEqual(size('image/png', 100, 100))
    expect(readImageDimensions(craftPng(100, 100, [acTL(2), fcTL(0, 100, 100), fcTL(1, 10000, 10000)]))).toEqual(refused('malformed'))
    expect(readImageDimensions(craftPng(100, 100, [acTL(1), fcTL(0, 60, 60, 50, 0)]))).toEqual(refused('malformed'))
    const afterIdat = craftPng(100, 100, [acTL(2), fcTL(0, 100, 100)])
    const iend = afterIdat.length - 12
    const late = new Uint8Array([...afterIdat.subarray(0, iend), ...craftPng(1, 1, [fcTL(1, 20000, 20000)]).subarray(33, 33 + 38), ...afterIdat.subarray(iend)])
    expect(readImageDimensions(late)).toEqual(refused('malformed'))
  })
})

describe('readImageDimensions: JPEG walks segments to the first SOFn', () => {
  it('a huge SOF after APP0, an APP1 with its own EXIF thumbnail, DQT, DHT and COM', () => {
    const jpeg = craftJpeg(60000, 50000, [[0xe0, [0x4a, 0x46, 0x49, 0x46, 0]], APP1_WITH_THUMBNAIL, [0xdb, new Array(65).fill(1)], [0xc4, new Array(30).fill(0)], [0xfe, [0x68, 0x69]]])
    expect(readImageDimensions(jpeg)).toEqual(size('image/jpeg', 60000, 50000))
    expect(readImageDimensions(PHOTO_JPG)).toEqual(size('image/jpeg', 400, 300))
  })

  it('fill bytes before a marker; progressive SOF2', () => {
    const jpeg = craftJpeg(5000, 4000, [[0xe0, [1, 2, 3]]])
    const filled = new Uint8Array([0xff, 0xd8, 0xff, 0xff, 0xff, ...jpeg.subarray(2)])
    expect(readImageDimensions(filled)).toEqual(size('image/jpeg', 5000, 4000))
    const progressive = craftJpeg(3000, 2500)
    progressive[3] = 0xc2
    expect(readImageDimensions(progressive)).toEqual(size('image/jpeg', 3000, 2500))
  })

  it('a segment length that lands off a marker is refused, not searched onwards to a small decoy SOF', () => {
    // APP0's length ends on 0x42, not on a marker; a byte scanner would go on to the 1×1 decoy SOF0 before
    // the real 8000×8000 one.
    const decoy = [0xff, 0xc0, 0x00, 0x0b, 8, 0, 1, 0, 1, 1, 1, 0x11, 0]
    const jpeg = craftJpeg(8000, 8000)
    const crafted = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x03, 0x41, 0x42, ...decoy, ...jpeg.subarray(2)])
    expect(readImageDimensions(crafted)).toEqual(refused('malformed'))
  })

  it('refuses height 0 (defined later by DNL), SOS or EOI before any frame header', () => {
    expect(readImageDimensions(craftJpeg(4000, 0))).toEqual(refused('malformed'))
    expect(readImageDimensions(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0, ...craftJpeg(10, 10).subarray(2)]))).toEqual(refused('malformed'))
    expect(readImageDimensions(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]))).toEqual(refused('malformed'))
  })
})

describe('readImageDimensions: WebP', () => {
  it('VP8 (14-bit sizes), VP8L (14-bit sizes + 1), VP8X (24-bit canvas + 1)', () => {
    expect(readImageDimensions(craftWebp([['VP8 ', vp8Bitstream(16383, 16383)]]))).toEqual(size('image/webp', 16383, 16383))
    expect(readImageDimensions(craftWebp([['VP8L', vp8lBitstream(16384, 16384)]]))).toEqual(size('image/webp', 16384, 16384))
    expect(readImageDimensions(craftWebp([vp8x(1 << 24, 1, true), ANIM, anmf(0, 0, 16384, 1)]))).toEqual(size('image/webp', 1 << 24, 1))
    expect(readImageDimensions(craftWebp([vp8x(16384, 3), ['ICCP', [1, 2, 3]], ['VP8L', vp8lBitstream(16384, 3)]]))).toEqual(size('image/webp', 16384, 3))
  })

  it('refuses a VP8 without its start code or key frame, a VP8L without its signature, and a still bitstream unlike the canvas', () => {
    const noStart = vp8Bitstream(10, 10)
    noStart[3] = 0
    expect(readImageDimensions(craftWebp([['VP8 ', noStart]]))).toEqual(refused('malformed'))
    const interFrame = vp8Bitstream(10, 10)
    interFrame[0] = 0x11
    expect(readImageDimensions(craftWebp([['VP8 ', interFrame]]))).toEqual(refused('malformed'))
    const noSignature = vp8lBitstream(10, 10)
    noSignature[0] = 0x2e
    expect(readImageDimensions(craftWebp([['VP8L', noSignature]]))).toEqual(refused('malformed'))
    expect(readImageDimensions(craftWebp([vp8x(1, 1), ['VP8 ', vp8Bitstream(10000, 10000)]]))).toEqual(refused('malformed'))
    expect(readImageDimensions(craftWebp([vp8x(10, 10)]))).toEqual(refused('malformed'))
  })

  it('animated VP8X: every ANMF frame inside the canvas, with a bitstream of the frame size', () => {
    expect(readImageDimensions(craftWebp([vp8x(100, 100, true), ANIM, anmf(0, 0, 100, 100), anmf(50, 20, 50, 80)]))).toEqual(size('image/webp', 100, 100))
    expect(readImageDimensions(craftWebp([vp8x(1, 1, true), ANIM, anmf(0, 0, 1, 1), anmf(0, 0, 10000, 10000)]))).toEqual(refused('malformed'))
    expect(readImageDimensions(craftWebp([vp8x(100, 100, true), ANIM, anmf(0, 0, 10, 10, ['VP8L', vp8lBitstream(10000, 10000)])]))).toEqual(refused('malformed'))
    expect(readImageDimensions(craftWebp([vp8x(100, 100, true), ANIM]))).toEqual(refused('malformed'))
  })

  it('real files: lossy, lossless, with alpha, animated', () => {
    for (const webp of [REAL_WEBP_LOSSY_1X1, REAL_WEBP_LOSSLESS_1X1, REAL_WEBP_ALPHA_1X1, REAL_WEBP_ANIMATED_1X1]) {
      expect(readImageDimensions(webp)).toEqual(size('image/webp', 1, 1))
    }
  })
})

describe('readImageDimensions: what it cannot settle is unknown', () => {
  const samples = {
    GIF_BOMB, REAL_GIF_1X1, PHOTO_JPG, SMALL_PNG, REAL_WEBP_LOSSY_1X1, REAL_WEBP_ANIMATED_1X1,
    apng: craftPng(100, 100, [acTL(2), fcTL(0, 100, 100), fcTL(1, 50, 50)]),
    jpeg: craftJpeg(60000, 50000, [APP1_WITH_THUMBNAIL]),
    animatedWebp: craftWebp([vp8x(100, 100, true), ANIM, anmf(0, 0, 100, 100), anmf(0, 0, 20, 20)]),
  }

  it('every prefix of a file either answers what the whole file answers or is refused as truncated', () => {
    for (const [name, bytes] of Object.entries(samples)) {
      const whole = readImageDimensions(bytes)
      expect(whole.ok, name).toBe(true)
      for (let n = 0; n < bytes.length; n++) {
        const prefix = readImageDimensions(bytes.subarray(0, n))
        if (prefix.ok) expect(prefix, `${name} cut at ${n}`).toEqual(whole)
        else expect(['truncated', 'unsupported'], `${name} cut at ${n}`).toContain(prefix.reason)
      }
    }
  })

  it('anything else is unsupported', () => {
    expect(readImageDimensions(new TextEncoder().encode('hello'))).toEqual(refused('unsupported'))
    expect(readImageDimensions(new Uint8Array([0x42, 0x4d, 0, 0, 0, 0]))).toEqual(refused('unsupported'))
    expect(readImageDimensions(new Uint8Array())).toEqual(refused('unsupported'))
  })
})
