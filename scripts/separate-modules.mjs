// Builds the libraries that a first request does not need into src/lazy/ (gitignored), one ES module each,
// which wrangler uploads next to the Worker's bundle instead of inside it (`find_additional_modules` and
// `rules` in wrangler.toml). workerd compiles a module only when it is first imported, so these cost a cold
// start nothing; bundled into index.js they were compiled on every cold start although only imported with
// `import()` (ADR 0104, docs/performance.md). The Worker loads them through `importSeparately`
// (src/platform/separate-module.ts). Run by wrangler's `[build]` before every `wrangler dev` and
// `wrangler deploy`, like scripts/vendor-assets.mjs; idempotent and quiet when src/lazy/ is current.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'
import { writeIfChanged } from './write-if-changed.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** File in src/lazy/ → what it exports. Each is self-contained: it imports nothing but node: builtins. */
export const SEPARATE_MODULES = {
  // Billing and its webhooks only (src/billing/stripe.ts).
  'stripe.js': "export { default } from 'stripe'",
  // Passkey ceremonies only (src/passkeys/ceremonies.ts): with its ASN.1, CBOR and X.509 stack.
  'simplewebauthn-server.js': "export * from '@simplewebauthn/server'",
  // Email rendering only (src/email/render.ts: the queue consumer, the dev mail pages): React's static server
  // renderer (docs/decisions/0010-email-rendering.md) with its own copy of React, production build. The
  // templates' elements come from the bundle's React; they cross over as plain objects tagged with
  // Symbol.for(...) types, and no template uses hooks or context, the one thing two copies would not share.
  'react-dom-server.js': "export { renderToStaticMarkup } from './src/email/react-dom-server-static.cjs'",
}

/** Builds each module whose output differs from what is on disk; returns the names it wrote. */
export async function buildSeparateModules(out = path.join(ROOT, 'src/lazy')) {
  fs.mkdirSync(out, { recursive: true })
  const written = []
  for (const [file, contents] of Object.entries(SEPARATE_MODULES)) {
    const result = await esbuild.build({
      stdin: { contents, resolveDir: ROOT, loader: 'js', sourcefile: file },
      bundle: true,
      write: false,
      format: 'esm',
      // The package builds wrangler would pick for the Worker (its esbuild conditions), minified like it.
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'],
      target: 'es2022',
      minify: true,
      external: ['node:*'],
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'error',
    })
    if (writeIfChanged(path.join(out, file), result.outputFiles[0].contents)) written.push(file)
  }
  return written
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const written = await buildSeparateModules()
    if (written.length > 0) console.log(`separate-modules: wrote ${written.join(', ')} to src/lazy/`)
  } catch (err) {
    console.error(err.message)
    process.exit(1)
  }
}
