// Two fixes to the pinned test pool, @cloudflare/vitest-pool-workers 0.15.1 (ADR 0080). Runs on
// postinstall; idempotent; a no-op where the pool is not installed (a production `npm ci --omit=dev`).
// Later releases of the pool fix both, but they need a wrangler that refuses Node 20 (toolchain.md).
//
// 1. SELF and ctx.exports: every request builds a WorkerEntrypoint wrapper whose constructor wraps the
//    class prototype in one more Proxy, so request N walks N proxies (workers-sdk#15446). 500 requests
//    went from 0.6 s to 12 s per hundred; the suite's files were only fast because each got a fresh
//    workerd. Fixed by wrapping once.
// 2. With `isolate: false`, vitest hands the same module runner to the pool for every test file and the
//    pool wraps its transport once more each time (fixed upstream in @cloudflare/vitest-plugin 1.4.5).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const POOL_VERSION = '0.15.1'

export const PATCHES = [
  {
    file: 'dist/worker/lib/cloudflare/test-internal.mjs',
    name: 'proxy the entrypoint prototype once',
    from: '\tfunction Class(...args) {\n\t\tClass.prototype = new Proxy(Class.prototype, {',
    to: '\tlet proxied = false; // quickscale: patched (ADR 0080)\n\tfunction Class(...args) {\n\t\tif (!proxied && (proxied = true)) Class.prototype = new Proxy(Class.prototype, {',
  },
  {
    file: 'dist/worker/index.mjs',
    name: 'patch the module runner transport once',
    from: '\t\t\t\tconst runner = moduleRunner;\n\t\t\t\tif (runner.transport?.invoke) {',
    to: '\t\t\t\tconst runner = moduleRunner; // quickscale: patched (ADR 0080)\n\t\t\t\tif (runner.transport?.__quickscalePatched) return;\n\t\t\t\tif (runner.transport?.invoke) {\n\t\t\t\t\trunner.transport.__quickscalePatched = true;',
  },
]

/** Applies one patch to a file's text: 'patched', 'already' or 'unknown' (neither form found). */
export function patchSource(source, patch) {
  if (source.includes(patch.to)) return { state: 'already', source }
  if (source.split(patch.from).length !== 2) return { state: 'unknown', source }
  return { state: 'patched', source: source.replace(patch.from, patch.to) }
}

export function patchTestPool(root = process.cwd(), log = console.log) {
  const dir = path.join(root, 'node_modules/@cloudflare/vitest-pool-workers')
  if (!fs.existsSync(path.join(dir, 'package.json'))) return 'absent'
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
  if (version !== POOL_VERSION) {
    log(`patch-test-pool: @cloudflare/vitest-pool-workers is ${version}, the patches are for ${POOL_VERSION}; left as is (see docs/decisions/0080-test-pool-patches.md)`)
    return 'skipped'
  }
  for (const patch of PATCHES) {
    const file = path.join(dir, patch.file)
    const result = patchSource(fs.readFileSync(file, 'utf8'), patch)
    if (result.state === 'unknown') throw new Error(`patch-test-pool: ${patch.file} does not look like ${POOL_VERSION}; cannot ${patch.name}`)
    // Written through a new file: node_modules may be hard-linked into another checkout (quickscale
    // init's tests do that), and an in-place write would change that copy behind its back.
    if (result.state === 'patched') {
      fs.writeFileSync(`${file}.tmp`, result.source)
      fs.renameSync(`${file}.tmp`, file)
    }
  }
  log(`patch-test-pool: @cloudflare/vitest-pool-workers ${version} patched (${PATCHES.length} fixes)`)
  return 'patched'
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) patchTestPool()
