/**
 * The entropy-coded layer of a JPEG (T.81 annex F): Huffman tables, the bit reader over a scan's data
 * (byte stuffing, restart markers) and the search for the marker that ends it. jpeg-eighth.ts reads the
 * segments and turns the DC values into pixels with these. Input is untrusted: every read is bounds-checked
 * by the typed arrays.
 */

/** Corrupt data: a plain Error (UnsupportedJpegError, in jpeg-eighth.ts, is for valid but unsupported files). */
export const fail = (msg: string): never => { throw new Error(`JPEG: ${msg}`) }

/** A Huffman table as a 16-bit lookahead: entry = length << 8 | symbol, 0 for no code. */
export function buildHuffman(counts: Uint8Array, symbols: Uint8Array): Uint16Array {
  const table = new Uint16Array(1 << 16)
  let code = 0
  let k = 0
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < counts[len - 1]!; i++) {
      if (code >= 1 << len) fail('bad Huffman table')
      const shift = 16 - len
      table.fill((len << 8) | symbols[k++]!, code << shift, (code + 1) << shift)
      code++
    }
    code <<= 1
  }
  return table
}

/** Reads entropy-coded bits: skips stuffed 0x00 after 0xFF, and feeds zeros once a marker is reached. */
export class BitReader {
  private buf = 0
  private count = 0
  constructor(private readonly data: Uint8Array, public pos: number) {}
  private fill() {
    while (this.count < 16) {
      let byte = 0
      if (this.pos < this.data.length) {
        byte = this.data[this.pos]!
        if (byte === 0xff) {
          const next = this.data[this.pos + 1]
          if (next === 0x00) this.pos += 2
          else byte = 0 // a marker: stay on it
        } else this.pos++
      }
      this.buf = (this.buf << 8) | byte
      this.count += 8
    }
  }
  decode(table: Uint16Array): number {
    this.fill()
    const entry = table[(this.buf >>> (this.count - 16)) & 0xffff]!
    if (entry === 0) fail('bad Huffman code')
    this.count -= entry >> 8
    this.buf &= (1 << this.count) - 1
    return entry & 0xff
  }
  bits(n: number): number {
    if (n === 0) return 0
    this.fill()
    this.count -= n
    const value = (this.buf >>> this.count) & ((1 << n) - 1)
    this.buf &= (1 << this.count) - 1
    return value
  }
  /** T.81 F.2.2.1 EXTEND: an n-bit magnitude category to a signed value. */
  receiveExtend(n: number): number {
    const value = this.bits(n)
    return value < 1 << (n - 1) ? value - (1 << n) + 1 : value
  }
  /**
   * Decodes and drops a sequential block's 63 AC coefficients (T.81 F.2.2.2), the hot loop of a
   * baseline photo: the reader's state lives in locals here, which V8 keeps in registers.
   */
  skipAc(table: Uint16Array): void {
    const data = this.data
    let buf = this.buf, count = this.count, pos = this.pos
    for (let k = 1; k < 64;) {
      // Refill to 25..32 bits (int32 arithmetic throughout: `>>>` reads the top bit back as unsigned).
      while (count <= 24) {
        let byte = 0
        if (pos < data.length) {
          byte = data[pos]!
          if (byte === 0xff) {
            if (data[pos + 1] === 0x00) pos += 2
            else byte = 0
          } else pos++
        }
        buf = (buf << 8) | byte
        count += 8
      }
      const entry = table[(buf >>> (count - 16)) & 0xffff]!
      if (entry === 0) fail('bad Huffman code')
      const rs = entry & 0xff
      const size = rs & 15
      count -= entry >> 8
      if (count < size) {
        // A 16-bit code with 10 magnitude bits: refill once more through the slow path.
        this.buf = buf & ((1 << count) - 1); this.count = count; this.pos = pos
        this.fill()
        buf = this.buf; count = this.count; pos = this.pos
      }
      count -= size
      buf &= (1 << count) - 1
      if (size === 0) { if (rs !== 0xf0) break; k += 16 } else k += (rs >> 4) + 1
    }
    this.buf = buf; this.count = count; this.pos = pos
  }
  /** At a restart interval: drop the partial byte and step over the RSTn marker. */
  restart() {
    this.buf = 0
    this.count = 0
    const at = nextMarker(this.data, this.pos, true)
    if (at + 1 < this.data.length && this.data[at + 1]! >= 0xd0 && this.data[at + 1]! <= 0xd7) this.pos = at + 2
    else this.pos = at
  }
}

/** The offset of the next marker (not a stuffed 0xFF00; RSTn only when asked): where entropy-coded data ends. */
export function nextMarker(data: Uint8Array, from: number, stopAtRestart = false): number {
  for (let i = from; i + 1 < data.length; i++) {
    if (data[i] !== 0xff) continue
    const m = data[i + 1]!
    if (m !== 0x00 && m !== 0xff && (stopAtRestart || m < 0xd0 || m > 0xd7)) return i
  }
  return data.length
}
