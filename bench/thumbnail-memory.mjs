// `node bench/thumbnail-memory.mjs [megapixels… | worst[:MP:NOISE]]`: peak memory and time of one thumbnail
// (default: 12, 24 and 48 MP; then 36 MP of 10.2 MiB, 48 MP of 13.7 MiB and 48 MP of 23.3 MiB — near the
// 25 MiB upload limit — each after a 6 MP whole-bitmap thumbnail in the same isolate, the worst state an
// isolate can be in)
// inside workerd, through src/files/thumbnail-image.ts — the code the thumbnailer Worker runs — with both
// decoders: `full` (photon decodes the whole bitmap) and `jpeg-eighth` (the JPEG decoded at 1/8 scale,
// photon only resizes). Results: docs/performance.md, ADR 0054.
//
// Inputs are deterministic JPEGs (quality 85, gradients plus LCG noise, so they compress like photos, not
// like flat cards), generated once with photon in Node and cached in node_modules/.cache/qs-bench.
// Each measurement gets a fresh workerd (Miniflare): photon's WASM memory grows and never shrinks, and the
// process's high-water mark only rises. In it, a warm-up request thumbnails a tiny JPEG with the same
// decoder (photon instantiated, code compiled); then the measured request reads the photo from a local R2
// bucket and thumbnails it. Reported:
//   - WASM memory: photon's linear memory before and after (it only grows, so after = its peak);
//   - workerd peak RSS growth: VmHWM of the workerd process after the measured request minus before it
//     (read from /proc): everything the request added at its peak — JS heap, the photo's bytes read from a
//     local R2 bucket with arrayBuffer() as the consumer does, typed arrays, WASM (and whatever workerd
//     buffers for R2 outside the isolate, so this errs high);
//   - time inside the Worker (Miniflare exposes the real clock locally): the first run, and the median of
//     three in that isolate.
// The Workers limit is 128 MB per isolate for the JS heap and WASM together.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare, convertV4MiniflareOptions } from 'miniflare'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const cacheDir = path.join(root, 'node_modules', '.cache', 'qs-bench')
const script = fileURLToPath(import.meta.url)
const MiB = 1024 * 1024

if (process.argv[2] === '--generate') {
  // Child process: a W×H JPEG written to `out`; `noise` (a bit mask) sets how much the file weighs.
  const [, , , w, h, noiseMask, out] = process.argv
  const { PhotonImage } = await import('@cf-wasm/photon')
  const width = Number(w), height = Number(h)
  const px = new Uint8Array(width * height * 4)
  let seed = 1
  for (let i = 0, y = 0; y < height; y++) for (let x = 0; x < width; x++, i += 4) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    const n = seed & Number(noiseMask)
    px[i] = ((x * 255) / width + n) & 255; px[i + 1] = ((y * 255) / height + n) & 255; px[i + 2] = ((x ^ y) + n) & 255; px[i + 3] = 255
  }
  fs.writeFileSync(out, new PhotonImage(px, width, height).get_bytes_jpeg(85))
  process.exit(0)
}

const shapes = { 12: [4000, 3000], 24: [6000, 4000], 48: [8000, 6000] }
const shape = (mp) => shapes[mp] ?? [Math.round(Math.sqrt((mp * 1e6 * 4) / 3)), Math.round(Math.sqrt((mp * 1e6 * 3) / 4))]
// noise 31 at quality 85 weighs like a busy phone photo (about 0.28 MiB per MP); noise 63 makes 48 MP
// weigh 23.3 MiB, just under the upload limit: memory grows with the file's bytes, not only its pixels.
// `worst`: the heaviest 1/8 file in an isolate whose WASM memory a 6 MP whole-bitmap thumbnail (the largest
// photon may decode) has already grown — memory a Worker never gets back. Growth counts both requests.
// `worst:MP:NOISE` picks the second file (`worst:36:31` weighs about 10 MiB).
const worst = { mp: 48, noise: 63, after: 6 }
const cases = process.argv.length > 2
  ? process.argv.slice(2).map((arg) => {
    if (!arg.startsWith('worst')) return { mp: Number(arg), noise: 31 }
    const [, mp, noise] = arg.split(':')
    return { ...worst, ...(mp && { mp: Number(mp) }), ...(noise && { noise: Number(noise) }) }
  })
  : [{ mp: 12, noise: 31 }, { mp: 24, noise: 31 }, { mp: 48, noise: 31 }, { ...worst, mp: 36, noise: 31 }, { ...worst, noise: 31 }, worst]
fs.mkdirSync(cacheDir, { recursive: true })
const photo = (w, h, noise = 31) => {
  const file = path.join(cacheDir, `bench-${w}x${h}${noise === 31 ? '' : `-n${noise}`}.jpg`)
  if (!fs.existsSync(file)) execFileSync(process.execPath, [script, '--generate', w, h, noise, file], { cwd: root, stdio: 'inherit' })
  return fs.readFileSync(file)
}

// The Worker: bundled with esbuild (workerd conditions, photon's .wasm as a compiled module, as in the
// thumbnailer Worker's own bundle).
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-bench-thumb-'))
const entry = `
import { initPhoton } from '@cf-wasm/photon'
import { makeThumbnail } from ${JSON.stringify(path.join(root, 'src/files/thumbnail-image.ts'))}
export default {
  async fetch(request, env) {
    const url = new URL(request.url)
    const decoder = url.searchParams.get('decoder')
    // As the consumer does: the original from R2, read whole into an ArrayBuffer.
    const object = await env.FILES.get(url.searchParams.get('key'))
    const bytes = new Uint8Array(await object.arrayBuffer())
    const memory = (await initPhoton.ensure()).memory
    const before = memory.buffer.byteLength
    const t0 = performance.now()
    const thumb = makeThumbnail(bytes, decoder)
    const ms = performance.now() - t0
    return Response.json({ ms, width: thumb.width, height: thumb.height, thumbBytes: thumb.jpeg.length, wasmBefore: before, wasmAfter: memory.buffer.byteLength })
  },
}`
fs.copyFileSync(path.join(root, 'node_modules/@cf-wasm/photon/dist/lib/photon_rs_bg.wasm'), path.join(outDir, 'photon.wasm'))
await build({
  stdin: { contents: entry, resolveDir: root, loader: 'js' },
  bundle: true, format: 'esm', platform: 'neutral', outfile: path.join(outDir, 'worker.mjs'), logLevel: 'error',
  mainFields: ['module', 'main'], conditions: ['workerd', 'worker', 'import'],
  plugins: [{ name: 'wasm', setup(b) { b.onResolve({ filter: /\.wasm$/ }, () => ({ path: './photon.wasm', external: true })) } }],
})

/** workerd processes that are descendants of this process (Miniflare's child). */
function workerdPids() {
  const parents = new Map()
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      parents.set(Number(pid), { ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), comm })
    } catch { /* gone */ }
  }
  const mine = (pid) => { for (let p = pid; p > 1; p = parents.get(p)?.ppid ?? 0) if (p === process.pid) return true; return false }
  return [...parents].filter(([pid, p]) => p.comm === 'workerd' && pid !== process.pid && mine(pid)).map(([pid]) => pid)
}
const hwm = (pid) => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024

const tiny = photo(64, 48)
async function measure(bytes, decoder, first) {
  const mf = new Miniflare(convertV4MiniflareOptions({
    modulesRoot: outDir,
    modules: [{ type: 'ESModule', path: path.join(outDir, 'worker.mjs') }, { type: 'CompiledWasm', path: path.join(outDir, 'photon.wasm') }],
    compatibilityDate: '2026-11-17', compatibilityFlags: ['nodejs_compat'],
    r2Buckets: ['FILES'],
  }))
  try {
    // The photos go into the local R2 bucket first, before the high-water mark is read.
    const bucket = await mf.getR2Bucket('FILES')
    const keys = new Map()
    for (const body of [tiny, first, bytes].filter(Boolean)) { const key = `k${keys.size}`; await bucket.put(key, body); keys.set(body, key) }
    const post = async (body, d) => {
      const res = await mf.dispatchFetch(`http://bench/?decoder=${d}&key=${keys.get(body)}`)
      if (!res.ok) throw new Error(`${res.status} ${await res.text()}`)
      return res.json()
    }
    // The 1/8 path needs width ≥ 8 px per output pixel; a 64×48 warm-up decodes to 8×6.
    await post(tiny, decoder)
    const [pid] = workerdPids()
    const before = hwm(pid)
    if (first) await post(first, 'full')
    const r = await post(bytes, decoder)
    const rssGrowth = hwm(pid) - before
    // Two more runs in the same isolate for the time only (the machine's cores are shared: one run is noisy).
    const times = [r.ms, (await post(bytes, decoder)).ms, (await post(bytes, decoder)).ms].sort((a, b) => a - b)
    return { ...r, rssGrowth, medianMs: times[1] }
  } finally {
    await mf.dispose()
  }
}

console.log(`thumbnail memory bench: workerd via miniflare ${JSON.parse(fs.readFileSync(path.join(root, 'node_modules/miniflare/package.json'), 'utf8')).version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}`)
console.log('| image | decoder | time (first / median of 3) | WASM memory (before → peak) | workerd peak RSS growth | thumbnail |')
console.log('| --- | --- | --- | --- | --- | --- |')
try {
  for (const { mp, noise, after } of cases) {
    const [w, h] = shape(mp)
    const bytes = photo(w, h, noise)
    const first = after ? photo(...shape(after)) : undefined
    // The whole-bitmap decoder is measured up to 24 MP, to show what it would need; it is never used above 6 MP.
    for (const decoder of mp <= 24 ? ['full', 'jpeg-eighth'] : ['jpeg-eighth']) {
      const r = await measure(bytes, decoder, first)
      const label = `${mp} MP (${w}×${h}, ${(bytes.length / MiB).toFixed(1)} MiB)${after ? `, after a ${after} MP whole-bitmap thumbnail` : ''}`
      console.log(`| ${label} | ${decoder} | ${Math.round(r.ms)} / ${Math.round(r.medianMs)} ms | ` +
        `${(r.wasmBefore / MiB).toFixed(1)} → ${(r.wasmAfter / MiB).toFixed(1)} MiB | ${(r.rssGrowth / MiB).toFixed(1)} MiB | ${r.thumbBytes} bytes |`)
    }
  }
} finally {
  fs.rmSync(outDir, { recursive: true, force: true })
}
