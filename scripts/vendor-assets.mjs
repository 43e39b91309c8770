// Copies the front-end libraries from node_modules into public/vendor/ (gitignored), so pages load
// nothing from a CDN and the versions are the ones pinned in package-lock.json, and builds our stylesheet,
// icon sprite and fonts there (scripts/build-styles.mjs); then the content hash of every file in public/ for
// the pages' asset URLs (scripts/asset-versions.mjs, ADR 0105).
// Not only an install script (ADR 0082): an install without scripts (`npm ci --ignore-scripts`, a restored
// cache) must still serve CSS, so wrangler runs this before every `wrangler dev` and `wrangler deploy`
// (`[build]` in wrangler.toml). Idempotent and quiet when public/vendor/ is already current.
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { writeAssetVersions } from './asset-versions.mjs'
import { buildStyles } from './build-styles.mjs'
import { writeIfChanged } from './write-if-changed.mjs'

const require = createRequire(import.meta.url)
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export const VENDOR_ASSETS = [
  ['htmx.org/dist/htmx.min.js', 'htmx.min.js'],
  ['@alpinejs/csp/dist/cdn.min.js', 'alpine-csp.min.js'],
  // Passkeys (src/passkeys/views.tsx): the package exports no path to its browser bundle, so it is found
  // beside its main entry. The UMD build defines globalThis.SimpleWebAuthnBrowser for public/passkeys.js.
  [path.join(path.dirname(require.resolve('@simplewebauthn/browser')), '../dist/bundle/index.umd.min.js'), 'simplewebauthn-browser.min.js'],
]

/** Copies each asset whose copy is missing or differs; returns the names it wrote. */
export function ensureVendorAssets(out = path.join(ROOT, 'public/vendor')) {
  fs.mkdirSync(out, { recursive: true })
  const written = []
  for (const [from, to] of VENDOR_ASSETS) {
    let source
    try {
      source = path.isAbsolute(from) ? from : require.resolve(from)
    } catch {
      throw new Error(`vendor-assets: ${from} is not installed — run npm install`)
    }
    if (writeIfChanged(path.join(out, to), fs.readFileSync(source))) written.push(to)
  }
  return written
}

/**
 * Everything this script builds: public/vendor/, then the content hashes of public/ (last, so they cover
 * what was just built; ADR 0105). Logs what it wrote; quiet when all was current.
 */
export async function buildPublicAssets(log = console.log) {
  const written = [...ensureVendorAssets(), ...(await buildStyles())]
  if (written.length > 0) log(`vendor-assets: wrote ${written.join(', ')} to public/vendor/`)
  if (writeAssetVersions()) log('vendor-assets: wrote src/platform/asset-versions.generated.json')
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await buildPublicAssets()
  } catch (err) {
    console.error(err.message)
    process.exit(1)
  }
}
