// Lets plain Node (20, no TypeScript support of its own) run the app's TypeScript modules, so the CLI
// and the dev scripts reuse src/ instead of repeating it (docs/decisions/0070-cli-runtime.md):
// - tsx compiles .ts/.tsx on import;
// - a `.wasm` import becomes a compiled WebAssembly.Module, which is what wrangler hands the Worker,
//   so src/auth/argon2.ts hashes passwords in Node exactly as it does in workerd;
// - `cloudflare:workers` loads (feature entries export Durable Object classes).
import * as nodeModule from 'node:module'
import { register as registerTsx } from 'tsx/esm/api'
import * as runtimeHooks from './runtime-hooks.mjs'

let registered = false

export function registerNodeHooks() {
  if (registered) return
  registered = true
  registerTsx()
  // Registered after tsx, so it runs first for .wasm and cloudflare: imports and leaves the rest to tsx.
  // In-thread where Node has registerHooks (22.15+; tsx uses it there too): an off-thread hook sends every
  // import of the process through a hooks thread and back, which was ~70 % of a CLI command's CPU
  // (`quickscale db status`: 1.1 s, of which 0.77 s waiting on that thread).
  if (typeof nodeModule.registerHooks === 'function') nodeModule.registerHooks({ resolve: runtimeHooks.resolve, load: runtimeHooks.load })
  else nodeModule.register('./runtime-hooks.mjs', import.meta.url)
}
