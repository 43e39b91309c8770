import { describe, expect, it } from 'vitest'
import { orientPixels, readJpegOrientation } from '../../src/files/exif-orientation'
import { PHOTO_JPG } from '../fixtures/files/images'
import { APP1_WITH_THUMBNAIL, craftJpeg } from '../fixtures/files/crafted-images'
import { exifOrientation } from '../fixtures/files/synthetic-jpeg'

describe('readJpegOrientation', () => {
  it('reads tag 0x0112 in either byte order, after other segments', () => {
    expect(readJpegOrientation(craftJpeg(10, 10, [[0xe0, [1, 2, 3]], [0xe1, exifOrientation(6)]]))).toBe(6)
    expect(readJpegOrientation(craftJpeg(10, 10, [[0xe1, exifOrientation(8, true)]]))).toBe(8)
    expect(readJpegOrientation(craftJpeg(10, 10, [[0xe1, exifOrientation(3, true)]]))).toBe(3)
  })

  it('answers 1 without EXIF, for an APP1 that is not EXIF orientation, out-of-range values and cut data', () => {
    expect(readJpegOrientation(PHOTO_JPG)).toBe(1)
    expect(readJpegOrientation(craftJpeg(10, 10, [APP1_WITH_THUMBNAIL]))).toBe(1)
    expect(readJpegOrientation(craftJpeg(10, 10, [[0xe1, exifOrientation(9)]]))).toBe(1)
    const cut = craftJpeg(10, 10, [[0xe1, exifOrientation(6)]])
    for (let n = 0; n < 40; n++) expect(readJpegOrientation(cut.subarray(0, n)), `cut at ${n}`).toBeOneOf([1, 6])
    expect(readJpegOrientation(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBe(1)
  })
})

describe('orientPixels: stored pixels into display order', () => {
  // A 3×2 stored image whose pixels are numbered (red channel) in reading order:
  //   1 2 3
  //   4 5 6
  const stored = new Uint8Array([1, 2, 3, 4, 5, 6].flatMap((v) => [v, 0, 0, 255]))
  const shown = (orientation: number) => {
    const r = orientPixels(stored, 3, 2, orientation)
    return { width: r.width, height: r.height, red: [...r.pixels].filter((_, i) => i % 4 === 0) }
  }

  it('turns, mirrors and transposes as EXIF defines each value', () => {
    expect(shown(1)).toEqual({ width: 3, height: 2, red: [1, 2, 3, 4, 5, 6] })
    expect(shown(2)).toEqual({ width: 3, height: 2, red: [3, 2, 1, 6, 5, 4] })
    expect(shown(3)).toEqual({ width: 3, height: 2, red: [6, 5, 4, 3, 2, 1] })
    expect(shown(4)).toEqual({ width: 3, height: 2, red: [4, 5, 6, 1, 2, 3] })
    expect(shown(5)).toEqual({ width: 2, height: 3, red: [1, 4, 2, 5, 3, 6] })
    // 6: the phone was held upright; turning the stored picture 90° clockwise shows it.
    expect(shown(6)).toEqual({ width: 2, height: 3, red: [4, 1, 5, 2, 6, 3] })
    expect(shown(7)).toEqual({ width: 2, height: 3, red: [6, 3, 5, 2, 4, 1] })
    expect(shown(8)).toEqual({ width: 2, height: 3, red: [3, 6, 2, 5, 1, 4] })
  })
})
