// Node module-customisation hooks for running the app's modules in Node (./node-hooks.mjs registers them
// in-thread with module.registerHooks where Node has it, else off-thread with module.register; they are
// synchronous, which both accept):
// - `import m from 'x.wasm'` yields a WebAssembly.Module, as wrangler's bundler does for the Worker
//   (Node 20 has no such import of its own);
// - `cloudflare:workers` resolves to a stand-in that only lets modules load (./cloudflare-workers-stub.mjs);
// - a package's relative imports of its own files resolve here (./package-relative.mjs): Node's own
//   resolution re-parses the package's whole `exports` map for each one.
import { resolvePackageRelative } from './package-relative.mjs'

export function resolve(specifier, context, nextResolve) {
  if (specifier === 'cloudflare:workers') return { url: new URL('./cloudflare-workers-stub.mjs', import.meta.url).href, shortCircuit: true }
  return resolvePackageRelative(specifier, context.parentURL) ?? nextResolve(specifier, context)
}

export function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.wasm')) return nextLoad(url, context)
  return {
    format: 'module',
    shortCircuit: true,
    source: `import { readFileSync } from 'node:fs'\nexport default new WebAssembly.Module(readFileSync(new URL(${JSON.stringify(url)})))\n`,
  }
}
