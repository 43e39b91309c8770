// Fixes to two pinned development tools, applied on postinstall. Idempotent; a package that is not
// installed (a production `npm ci --omit=dev`) is left alone, and so is any other version than the one a
// patch was written for. Each patch names its ADR; later releases fix both pool bugs, but they need a
// wrangler that refuses Node 20 (toolchain.md).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const PACKAGES = [
  {
    // ADR 0080. 1. SELF and ctx.exports: every request builds a WorkerEntrypoint wrapper whose
    // constructor wraps the class prototype in one more Proxy, so request N walks N proxies
    // (workers-sdk#15446): 500 requests went from 0.6 s to 12 s per hundred. Wrapped once instead.
    // 2. With `isolate: false`, vitest hands the same module runner to the pool for every test file and
    // the pool wraps its transport once more each time (fixed upstream in @cloudflare/vitest-plugin 1.4.5).
    name: '@cloudflare/vitest-pool-workers',
    version: '0.15.1',
    adr: 'docs/decisions/0080-test-pool-patches.md',
    patches: [
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
    ],
  },
  {
    // ADR 0081. wrangler dev's inspector proxy turns on the runtime's Network domain at start and posts
    // every inspector message to wrangler's Node process as a debug-log request, which formats it and
    // appends it to ~/.config/.wrangler/logs, then keeps it in memory until a DevTools window connects:
    // about four messages per subrequest, 11 ms of Node CPU per signed-in page (two database requests)
    // and hundreds of MB of log a day. Network events now follow the Debugger domain's lifecycle: on
    // while a DevTools window is connected, off otherwise, and never copied to the debug log.
    name: 'wrangler',
    version: '4.86.0',
    adr: 'docs/decisions/0081-wrangler-dev-network-events.md',
    patches: [
      {
        file: 'wrangler-dist/InspectorProxyWorker.js',
        name: 'turn Network events on at start only if DevTools is connected',
        from: '    this.sendRuntimeMessage(\n      { method: "Network.enable", id: this.nextCounter() },\n      runtime\n    );',
        to: '    if (this.websockets.devtools !== void 0) this.sendRuntimeMessage( // quickscale: patched (ADR 0081)\n      { method: "Network.enable", id: this.nextCounter() },\n      runtime\n    );',
      },
      {
        file: 'wrangler-dist/InspectorProxyWorker.js',
        name: 'turn Network events on when DevTools connects',
        from: '        method: "Debugger.disable"\n      });\n      this.sendDebugLog("DEVTOOLS WEBSOCKET CONNECTED");',
        to: '        method: "Debugger.disable"\n      });\n      this.sendRuntimeMessage({ id: this.nextCounter(), method: "Network.enable" }); // quickscale: patched (ADR 0081)\n      this.sendDebugLog("DEVTOOLS WEBSOCKET CONNECTED");',
      },
      {
        file: 'wrangler-dist/InspectorProxyWorker.js',
        name: 'turn Network events off when DevTools disconnects',
        from: '              method: "Debugger.disable"\n            });\n          }',
        to: '              method: "Debugger.disable"\n            });\n            this.sendRuntimeMessage({ id: this.nextCounter(), method: "Network.disable" }); // quickscale: patched (ADR 0081)\n          }',
      },
      {
        file: 'wrangler-dist/InspectorProxyWorker.js',
        name: 'keep Network events out of the debug log and the replay buffer',
        from: '    const msg = JSON.parse(event.data);\n    this.sendDebugLog("RUNTIME INCOMING MESSAGE", msg);',
        to: '    const msg = JSON.parse(event.data);\n    // quickscale: patched (ADR 0081): straight to a connected DevTools, else dropped (one in flight as it disconnects).\n    if (typeof msg.method === "string" && msg.method.startsWith("Network.")) {\n      if (this.websockets.devtools !== void 0) this.sendDevToolsMessage(msg);\n      return;\n    }\n    this.sendDebugLog("RUNTIME INCOMING MESSAGE", msg);',
      },
    ],
  },
]

/** Applies one patch to a file's text: 'patched', 'already' or 'unknown' (neither form found). */
export function patchSource(source, patch) {
  if (source.includes(patch.to)) return { state: 'already', source }
  if (source.split(patch.from).length !== 2) return { state: 'unknown', source }
  return { state: 'patched', source: source.replace(patch.from, patch.to) }
}

/** Patches one package under root: 'absent', 'skipped' (another version) or 'patched'. */
export function patchPackage(pkg, root = process.cwd(), log = console.log) {
  const dir = path.join(root, 'node_modules', pkg.name)
  if (!fs.existsSync(path.join(dir, 'package.json'))) return 'absent'
  const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
  if (version !== pkg.version) {
    log(`patch-dependencies: ${pkg.name} is ${version}, the patches are for ${pkg.version}; left as is (see ${pkg.adr})`)
    return 'skipped'
  }
  for (const patch of pkg.patches) {
    const file = path.join(dir, patch.file)
    const result = patchSource(fs.readFileSync(file, 'utf8'), patch)
    if (result.state === 'unknown') throw new Error(`patch-dependencies: ${pkg.name}/${patch.file} does not look like ${pkg.version}; cannot ${patch.name}`)
    // Written through a new file: node_modules may be hard-linked into another checkout (quickscale
    // init's tests do that), and an in-place write would change that copy behind its back.
    if (result.state === 'patched') {
      fs.writeFileSync(`${file}.tmp`, result.source)
      fs.renameSync(`${file}.tmp`, file)
    }
  }
  log(`patch-dependencies: ${pkg.name} ${version} patched (${pkg.patches.length} fix${pkg.patches.length === 1 ? '' : 'es'}, ${pkg.adr})`)
  return 'patched'
}

export function patchDependencies(root = process.cwd(), log = console.log) {
  return Object.fromEntries(PACKAGES.map((pkg) => [pkg.name, patchPackage(pkg, root, log)]))
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) patchDependencies()
