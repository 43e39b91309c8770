// Loading a library that is uploaded as a module of its own (ADR 0104, scripts/separate-modules.mjs).
// workerd compiles a module only when it is first imported, so a library bundled into index.js is parsed
// on every cold start even when the code reaches it only through `import()`; in its own module it costs
// nothing until the first request that needs it.

// Run from the sources (the vitest pool, tsx scripts), this file is itself the module; in the Worker it is
// part of the bundle's index.js, beside which wrangler uploads src/lazy/ (find_additional_modules).
const FROM_SOURCES = import.meta.url.endsWith('/separate-module.ts')

/** Imports `packageName`: in the Worker from its separately uploaded build src/lazy/`file`. */
export function importSeparately<T>(file: string, packageName: string): Promise<T> {
  // Computed, never a literal: esbuild then leaves `import(specifier)` as written instead of inlining the
  // package into index.js, and workerd resolves it next to the bundle.
  const specifier = FROM_SOURCES ? packageName : `./lazy/${file}`
  return import(/* @vite-ignore */ specifier) as Promise<T>
}
