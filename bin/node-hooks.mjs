// Lets plain Node (20, no TypeScript support of its own) run the app's TypeScript modules, so the CLI
// and the dev scripts reuse src/ instead of repeating it (docs/decisions/0070-cli-runtime.md):
// - tsx compiles .ts/.tsx on import;
// - a `.wasm` import becomes a compiled WebAssembly.Module, which is what wrangler hands the Worker,
//   so src/auth/argon2.ts hashes passwords in Node exactly as it does in workerd;
// - `cloudflare:workers` loads (feature entries export Durable Object classes).
import { register } from 'node:module'
import { register as registerTsx } from 'tsx/esm/api'

let registered = false

export function registerNodeHooks() {
  if (registered) return
  registered = true
  registerTsx()
  // Registered after tsx, so it runs first for .wasm and cloudflare: imports and leaves the rest to tsx.
  register('./runtime-hooks.mjs', import.meta.url)
}
