import { BitReader, buildHuffman, fail, nextMarker } from './jpeg-entropy'

/**
 * Decodes a JPEG at 1/8 scale: one pixel per 8×8 block, the block's mean, which is its DC coefficient
 * (what libjpeg does for scale 1/8: jidctred's 1×1 "IDCT" keeps only DC). Memory is about 2 bytes per
 * block per component plus the small RGBA result, instead of photon's ~12.8 bytes per pixel, so a 24 MP
 * phone photo decodes in a few MiB (ADR 0054, bench/thumbnail-memory.mjs).
 *
 * Supported: Huffman-coded 8-bit baseline (SOF0), extended sequential (SOF1) and progressive (SOF2)
 * frames with 1 (grey) or 3 components (YCbCr, or RGB per Adobe APP14 / component ids), integer sampling
 * factors, restart intervals. Sequential scans are entropy-decoded block by block (AC coefficients are
 * decoded only to be skipped); progressive AC scans are skipped whole, only the DC scans are read.
 * Anything else throws `UnsupportedJpegError` before any pixel buffer is allocated; corrupt data throws
 * a plain Error. Input is untrusted: every read is bounds-checked by the typed arrays and the caller has
 * already capped width × height (thumbnails.ts).
 */
export class UnsupportedJpegError extends Error {}

export interface EighthImage {
  /** The full image's size, from the frame header. */
  width: number
  height: number
  /** ceil(width / 8) × ceil(height / 8) RGBA pixels. */
  scaledWidth: number
  scaledHeight: number
  rgba: Uint8Array
}

interface Component { id: number; h: number; v: number; tq: number; bw: number; bh: number; dc: Int32Array; q0: number; pred: number }
interface Frame { width: number; height: number; progressive: boolean; hmax: number; vmax: number; mcusX: number; mcusY: number; comps: Component[] }

const unsupported = (msg: string): never => { throw new UnsupportedJpegError(`JPEG: ${msg}`) }

export function decodeJpegEighth(data: Uint8Array, maxPixels: number): EighthImage {
  if (data[0] !== 0xff || data[1] !== 0xd8) fail('no SOI')
  const quant: (number | undefined)[] = []
  const dcTables: (Uint16Array | undefined)[] = []
  const acTables: (Uint16Array | undefined)[] = []
  let frame: Frame | undefined
  let restartInterval = 0
  let adobeTransform = -1
  let pos = 2
  for (;;) {
    while (data[pos] === 0xff && data[pos + 1] === 0xff) pos++ // fill bytes
    // A file cut after its last scan (no EOI) still decodes, as in libjpeg; toRgba refuses a missing component.
    if (frame && pos + 2 > data.length) break
    if (data[pos] !== 0xff) fail('marker expected')
    const marker = data[pos + 1]!
    if (marker === 0xd9) break // EOI
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { pos += 2; continue } // stray RSTn / TEM: no length
    if (pos + 4 > data.length) fail('truncated segment')
    const length = (data[pos + 2]! << 8) | data[pos + 3]!
    const start = pos + 4
    const end = pos + 2 + length
    if (length < 2 || end > data.length) fail('segment overruns the file')
    const seg = data.subarray(start, end)
    if (marker === 0xdb) {
      for (let i = 0; i < seg.length;) {
        const pq = seg[i]! >> 4
        // Only the DC entry (the first, in zigzag order) matters at 1/8 scale.
        quant[seg[i]! & 15] = pq ? (seg[i + 1]! << 8) | seg[i + 2]! : seg[i + 1]!
        i += 1 + (pq ? 128 : 64)
      }
    } else if (marker === 0xc4) {
      for (let i = 0; i < seg.length;) {
        const tc = seg[i]! >> 4, th = seg[i]! & 15
        const counts = seg.subarray(i + 1, i + 17)
        if (counts.length < 16) fail('short DHT')
        const total = counts.reduce((a, b) => a + b, 0)
        const table = buildHuffman(counts, seg.subarray(i + 17, i + 17 + total));
        (tc === 0 ? dcTables : acTables)[th] = table
        i += 17 + total
      }
    } else if (marker === 0xdd) {
      restartInterval = (seg[0]! << 8) | seg[1]!
    } else if (marker === 0xee && seg.length >= 12 && String.fromCharCode(...seg.subarray(0, 5)) === 'Adobe') {
      adobeTransform = seg[11]!
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (frame) fail('second frame header')
      if (marker > 0xc2) unsupported(`frame type SOF${marker - 0xc0} (lossless, hierarchical or arithmetic coding)`)
      frame = readFrame(seg, marker === 0xc2, maxPixels)
    } else if (marker === 0xda) {
      if (!frame) throw new Error('JPEG: scan before frame')
      pos = readScan(data, end, seg, frame, quant, dcTables, acTables, restartInterval)
      continue
    }
    pos = end
  }
  if (!frame) throw new Error('JPEG: no frame')
  return toRgba(frame, adobeTransform)
}

function readFrame(seg: Uint8Array, progressive: boolean, maxPixels: number): Frame {
  if (seg.length < 6) fail('short SOF')
  if (seg[0] !== 8) unsupported(`${seg[0]}-bit samples`)
  const height = (seg[1]! << 8) | seg[2]!, width = (seg[3]! << 8) | seg[4]!, n = seg[5]!
  if (width === 0 || height === 0) fail('zero size')
  if (width * height > maxPixels) unsupported(`${width}×${height} is above the cap`)
  if (n !== 1 && n !== 3) unsupported(`${n} components`)
  if (seg.length < 6 + 3 * n) fail('short SOF')
  const raw = Array.from({ length: n }, (_, i) => ({ id: seg[6 + 3 * i]!, h: seg[7 + 3 * i]! >> 4, v: seg[7 + 3 * i]! & 15, tq: seg[8 + 3 * i]! & 3 }))
  if (raw.some((c) => c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4)) fail('sampling factor')
  // A single-component scan is never subsampled (T.81 A.2.2), whatever its factors say.
  if (n === 1) raw[0]!.h = raw[0]!.v = 1
  const hmax = Math.max(...raw.map((c) => c.h)), vmax = Math.max(...raw.map((c) => c.v))
  if (raw.some((c) => hmax % c.h || vmax % c.v)) unsupported('non-integer sampling ratio')
  const mcusX = Math.ceil(width / (8 * hmax)), mcusY = Math.ceil(height / (8 * vmax))
  const comps = raw.map((c) => {
    const bw = mcusX * c.h, bh = mcusY * c.v
    return { ...c, bw, bh, dc: new Int32Array(bw * bh), q0: -1, pred: 0 }
  })
  return { width, height, progressive, hmax, vmax, mcusX, mcusY, comps }
}

/** Decodes one scan's DC values into the components; returns the offset of the marker after the scan. */
function readScan(data: Uint8Array, dataStart: number, seg: Uint8Array, frame: Frame, quant: (number | undefined)[],
  dcTables: (Uint16Array | undefined)[], acTables: (Uint16Array | undefined)[], restartInterval: number): number {
  const ns = seg[0]!
  if (ns < 1 || ns > 4 || seg.length < 4 + 2 * ns) fail('bad SOS')
  const scan = Array.from({ length: ns }, (_, i) => {
    const comp = frame.comps.find((c) => c.id === seg[1 + 2 * i]) ?? fail('scan names an unknown component')
    return { comp, dc: dcTables[seg[2 + 2 * i]! >> 4], ac: acTables[seg[2 + 2 * i]! & 15] }
  })
  const ss = seg[1 + 2 * ns]!, se = seg[2 + 2 * ns]!, ah = seg[3 + 2 * ns]! >> 4, al = seg[3 + 2 * ns]! & 15
  const end = () => nextMarker(data, dataStart)
  // A progressive AC scan adds nothing at 1/8 scale: skip its bytes.
  if (frame.progressive && ss > 0) return end()
  if (frame.progressive && se !== 0) fail('progressive DC scan with AC')
  for (const s of scan) {
    if (s.comp.q0 < 0) s.comp.q0 = quant[s.comp.tq] ?? fail('missing quantisation table')
    s.comp.pred = 0
    if (!(frame.progressive && ah > 0) && !s.dc) fail('missing DC table')
    if (!frame.progressive && !s.ac) fail('missing AC table')
  }
  const bits = new BitReader(data, dataStart)
  const readBlock = (s: (typeof scan)[number], index: number) => {
    const c = s.comp
    if (frame.progressive && ah > 0) { c.dc[index] = c.dc[index]! | (bits.bits(1) << al); return }
    const t = bits.decode(s.dc!)
    if (t > 11) fail('DC magnitude')
    c.pred += t ? bits.receiveExtend(t) : 0
    c.dc[index] = frame.progressive ? c.pred * (1 << al) : c.pred
    if (frame.progressive) return
    bits.skipAc(s.ac!)
  }
  const restart = () => { bits.restart(); for (const s of scan) s.comp.pred = 0 }
  let mcu = 0
  if (ns === 1) {
    // Non-interleaved: the component's own blocks in raster order, only those covering the image.
    const c = scan[0]!.comp
    const cw = Math.ceil(Math.ceil((frame.width * c.h) / frame.hmax) / 8), ch = Math.ceil(Math.ceil((frame.height * c.v) / frame.vmax) / 8)
    for (let by = 0; by < ch; by++) for (let bx = 0; bx < cw; bx++) {
      if (restartInterval && mcu > 0 && mcu % restartInterval === 0) restart()
      readBlock(scan[0]!, by * c.bw + bx)
      mcu++
    }
  } else {
    for (let my = 0; my < frame.mcusY; my++) for (let mx = 0; mx < frame.mcusX; mx++) {
      if (restartInterval && mcu > 0 && mcu % restartInterval === 0) restart()
      for (const s of scan) for (let v = 0; v < s.comp.v; v++) for (let h = 0; h < s.comp.h; h++) {
        readBlock(s, (my * s.comp.v + v) * s.comp.bw + mx * s.comp.h + h)
      }
      mcu++
    }
  }
  return nextMarker(data, bits.pos)
}

const clamp = (x: number) => (x < 0 ? 0 : x > 255 ? 255 : Math.round(x))

function toRgba(frame: Frame, adobeTransform: number): EighthImage {
  const scaledWidth = Math.ceil(frame.width / 8), scaledHeight = Math.ceil(frame.height / 8)
  const rgba = new Uint8Array(scaledWidth * scaledHeight * 4)
  const { comps, hmax, vmax } = frame
  if (comps.some((c) => c.q0 < 0)) fail('a component has no scan')
  // Output pixel (x, y) is luma block (x, y); a subsampled component's block covers hmax/h × vmax/v of them.
  const cols = comps.map((c) => Int32Array.from({ length: scaledWidth }, (_, x) => Math.floor((x * c.h) / hmax)))
  const rows = comps.map((c) => Int32Array.from({ length: scaledHeight }, (_, y) => Math.floor((y * c.v) / vmax) * c.bw))
  // The block mean is the dequantised DC / 8, level-shifted by 128 (T.81 A.3.3).
  const scale = comps.map((c) => c.q0 / 8)
  const rgb = comps.length === 3 && (adobeTransform === 0 || (adobeTransform < 0 && comps.map((c) => c.id).join() === '82,71,66'))
  const [a, b, c] = [0, 1, 2].map((i) => comps[Math.min(i, comps.length - 1)]!.dc)
  const [colA, colB, colC] = [0, 1, 2].map((i) => cols[Math.min(i, comps.length - 1)]!)
  const [sa, sb, sc] = [0, 1, 2].map((i) => scale[Math.min(i, comps.length - 1)]!)
  for (let y = 0, i = 0; y < scaledHeight; y++) {
    const [ra, rb, rc] = [0, 1, 2].map((k) => rows[Math.min(k, comps.length - 1)]![y]!)
    for (let x = 0; x < scaledWidth; x++, i += 4) {
      const p = a![ra! + colA![x]!]! * sa! + 128
      if (comps.length === 1) {
        rgba[i] = rgba[i + 1] = rgba[i + 2] = clamp(p)
      } else {
        const q = b![rb! + colB![x]!]! * sb! + 128, r = c![rc! + colC![x]!]! * sc! + 128
        if (rgb) {
          rgba[i] = clamp(p); rgba[i + 1] = clamp(q); rgba[i + 2] = clamp(r)
        } else {
          // JFIF YCbCr → RGB (ITU-R BT.601, full range).
          const cb = q - 128, cr = r - 128
          rgba[i] = clamp(p + 1.402 * cr); rgba[i + 1] = clamp(p - 0.344136 * cb - 0.714136 * cr); rgba[i + 2] = clamp(p + 1.772 * cb)
        }
      }
      rgba[i + 3] = 255
    }
  }
  return { width: frame.width, height: frame.height, scaledWidth, scaledHeight, rgba }
}
