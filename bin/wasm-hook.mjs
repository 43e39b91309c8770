// Node module-customisation hook (module.register): `import m from 'x.wasm'` yields a WebAssembly.Module,
// as wrangler's bundler does for the Worker. Node 20 has no such import of its own.
export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.wasm')) return nextLoad(url, context)
  return {
    format: 'module',
    shortCircuit: true,
    source: `import { readFileSync } from 'node:fs'\nexport default new WebAssembly.Module(readFileSync(new URL(${JSON.stringify(url)})))\n`,
  }
}
