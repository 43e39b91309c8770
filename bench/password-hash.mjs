// Password-hash cost inside workerd (the real Workers runtime), not in Node: bundles src/auth/password.ts
// with esbuild, loads it into Miniflare (the workerd that wrangler uses) with the argon2 .wasm as a
// compiled module — exactly how the Worker gets it — and times hashPassword/verifyPassword.
//   node bench/password-hash.mjs [iterations=20]
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const iterations = Number(process.argv[2] ?? 20)
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-bench-hash-'))

const entry = `
import { hashPassword, verifyPassword } from ${JSON.stringify(path.join(root, 'src/auth/password.ts'))}
export default {
  async fetch(request) {
    const n = Number(new URL(request.url).searchParams.get('n') ?? '20')
    await hashPassword('warm-up') // instantiate the wasm once, like the first request of an isolate
    const hashMs = [], verifyMs = []
    let stored = ''
    for (let i = 0; i < n; i++) {
      let t = performance.now(); stored = await hashPassword('correct horse battery staple ' + i); hashMs.push(performance.now() - t)
      t = performance.now(); await verifyPassword(stored, 'correct horse battery staple ' + i); verifyMs.push(performance.now() - t)
    }
    return Response.json({ hashMs, verifyMs, sample: stored.slice(0, 32) })
  },
}`

fs.copyFileSync(path.join(root, 'node_modules/@phi-ag/argon2/dist/argon2.wasm'), path.join(outDir, 'argon2.wasm'))
await build({
  stdin: { contents: entry, resolveDir: root, loader: 'js' },
  bundle: true, format: 'esm', platform: 'neutral', outfile: path.join(outDir, 'worker.mjs'), logLevel: 'error',
  mainFields: ['module', 'main'], conditions: ['workerd', 'worker', 'import'],
  plugins: [{ name: 'wasm', setup(b) { b.onResolve({ filter: /argon2\.wasm$/ }, () => ({ path: './argon2.wasm', external: true })) } }],
})

// workerd freezes performance.now() between I/O (Spectre mitigation) except in local dev, where
// Miniflare exposes the real clock; numbers are wall time of CPU-bound work on this machine.
const mf = new Miniflare({
  scriptPath: path.join(outDir, 'worker.mjs'),
  modulesRoot: outDir,
  modules: true,
  modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
  compatibilityDate: '2026-11-17',
  compatibilityFlags: ['nodejs_compat'],
})
try {
  const res = await mf.dispatchFetch(`http://bench/?n=${iterations}`)
  const { hashMs, verifyMs, sample } = await res.json()
  const stats = (xs) => {
    const s = [...xs].sort((a, b) => a - b)
    return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)], min: s[0] }
  }
  const h = stats(hashMs), v = stats(verifyMs)
  console.log(`argon2id m=19456 KiB t=2 p=1 inside workerd (${iterations} runs, ${sample}…)`)
  console.log(`  hash:   median ${h.median.toFixed(1)} ms · p90 ${h.p90.toFixed(1)} ms · min ${h.min.toFixed(1)} ms`)
  console.log(`  verify: median ${v.median.toFixed(1)} ms · p90 ${v.p90.toFixed(1)} ms · min ${v.min.toFixed(1)} ms`)
} finally {
  await mf.dispose()
  fs.rmSync(outDir, { recursive: true, force: true })
}
