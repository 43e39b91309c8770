// `node bench/thumbnail.mjs [megapixels…]`: time and peak memory of one thumbnail (src/files/thumbnail-image.ts,
// the code the thumbnailer Worker runs) for a generated JPEG of 12 megapixels (and any other sizes given).
// Each measurement runs in a fresh Node process, because photon's WASM memory grows and never shrinks:
// its size after the run is the peak the decode needed. Same V8 and the same .wasm as workerd; the
// Workers limit (128 MB per isolate) counts this memory plus the JS heap. Results: docs/files.md.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const cacheDir = path.join(root, 'node_modules', '.cache', 'qs-bench')
const bundle = path.join(cacheDir, 'thumbnail-image.mjs')
const mode = process.argv[2]

if (mode === '--generate') {
  // Child: a W×H JPEG (quality 85) with gradients and noise, so it compresses like a photo rather than a flat card.
  const [, , , w, h, out] = process.argv
  const { PhotonImage } = await import('@cf-wasm/photon')
  const width = Number(w), height = Number(h)
  const px = new Uint8Array(width * height * 4)
  let seed = 1
  for (let i = 0, y = 0; y < height; y++) for (let x = 0; x < width; x++, i += 4) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    const n = seed & 31
    px[i] = ((x * 255) / width + n) & 255; px[i + 1] = ((y * 255) / height + n) & 255; px[i + 2] = ((x ^ y) + n) & 255; px[i + 3] = 255
  }
  const image = new PhotonImage(px, width, height)
  fs.writeFileSync(out, image.get_bytes_jpeg(85))
  process.exit(0)
}

if (mode === '--measure') {
  // Child: one thumbnail of the given file, in a process that has done nothing else.
  const file = process.argv[3]
  const { initPhoton } = await import('@cf-wasm/photon')
  const { makeThumbnail } = await import(bundle)
  const wasm = await initPhoton.ensure()
  const bytes = new Uint8Array(fs.readFileSync(file))
  const before = wasm.memory.buffer.byteLength
  const t0 = performance.now()
  const first = makeThumbnail(bytes)
  const firstMs = performance.now() - t0
  const peak = wasm.memory.buffer.byteLength
  const again = []
  for (let i = 0; i < 3; i++) { const t = performance.now(); makeThumbnail(bytes); again.push(performance.now() - t) }
  again.sort((a, b) => a - b)
  console.log(JSON.stringify({ width: first.width, height: first.height, jpegBytes: bytes.length, thumbBytes: first.jpeg.length,
    firstMs: Math.round(firstMs), medianMs: Math.round(again[1]), wasmBeforeMiB: +(before / 1048576).toFixed(1),
    wasmPeakMiB: +(peak / 1048576).toFixed(1), wasmAfterRepeatsMiB: +(wasm.memory.buffer.byteLength / 1048576).toFixed(1),
    maxRssMiB: +(process.resourceUsage().maxRSS / 1024).toFixed(1) }))
  process.exit(0)
}

fs.mkdirSync(cacheDir, { recursive: true })
await build({ entryPoints: [path.join(root, 'src/files/thumbnail-image.ts')], bundle: true, format: 'esm', platform: 'node', outfile: bundle, external: ['@cf-wasm/photon'], logLevel: 'error' })
const sizes = (process.argv.length > 2 ? process.argv.slice(2).map(Number) : [12])
const shapes = { 12: [4000, 3000], 16: [4608, 3456], 24: [6000, 4000], 48: [8000, 6000] }
const script = fileURLToPath(import.meta.url)
console.log(`thumbnail bench: node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}`)
for (const mp of sizes) {
  const [w, h] = shapes[mp] ?? [Math.round(Math.sqrt(mp * 1e6 * 4 / 3)), Math.round(Math.sqrt(mp * 1e6 * 3 / 4))]
  const file = path.join(cacheDir, `bench-${w}x${h}.jpg`)
  if (!fs.existsSync(file)) execFileSync(process.execPath, [script, '--generate', w, h, file], { cwd: root, stdio: 'inherit' })
  const out = execFileSync(process.execPath, [script, '--measure', file], { cwd: root, encoding: 'utf8' })
  const r = JSON.parse(out.trim().split('\n').pop())
  console.log(`${mp} MP (${r.width}×${r.height}, ${(r.jpegBytes / 1048576).toFixed(1)} MiB JPEG): first ${r.firstMs} ms, then median ${r.medianMs} ms; ` +
    `WASM memory ${r.wasmBeforeMiB} → peak ${r.wasmPeakMiB} MiB; process max RSS ${r.maxRssMiB} MiB; thumbnail ${r.thumbBytes} bytes`)
}
