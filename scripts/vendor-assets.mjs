// Copies the front-end libraries from node_modules into public/vendor/ (gitignored), so pages load
// nothing from a CDN and the versions are the ones pinned in package-lock.json. Runs on postinstall.
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const out = path.resolve('public/vendor')
const assets = [
  ['bulma/css/bulma.min.css', 'bulma.min.css'],
  ['htmx.org/dist/htmx.min.js', 'htmx.min.js'],
  ['@alpinejs/csp/dist/cdn.min.js', 'alpine-csp.min.js'],
]

fs.mkdirSync(out, { recursive: true })
for (const [from, to] of assets) {
  let source
  try {
    source = require.resolve(from)
  } catch {
    console.error(`vendor-assets: ${from} is not installed — run npm install`)
    process.exit(1)
  }
  fs.copyFileSync(source, path.join(out, to))
}
console.log(`vendor-assets: copied ${assets.length} files to public/vendor/`)
