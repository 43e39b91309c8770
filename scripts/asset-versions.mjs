// The content hash of every file in public/, for the Worker's asset URLs (ADR 0105): a page asks for
// `/app.js?v=<hash>` (src/platform/assets.ts), public/_headers lets the browser keep such a file for a year
// without asking again, and new content is a new URL. Without it every page view re-asked for each script
// and stylesheet (`304 Not Modified`), a round trip before the stylesheet could apply.
// Run by scripts/vendor-assets.mjs after it built public/vendor/ (so on install and by wrangler's `[build]`
// before every `wrangler dev` and `wrangler deploy`, and by vitest.config.ts) and by `npm run typecheck`;
// writes only when it changed.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { listFiles } from './list-files.mjs'
import { writeIfChanged } from './write-if-changed.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Where the Worker imports the hashes from (gitignored: it follows public/, which is partly built). */
export const ASSET_VERSIONS_FILE = 'src/platform/asset-versions.generated.json'

// Files Workers Static Assets reads as configuration and never serves (nor dotfiles).
const NOT_SERVED = new Set(['_headers', '_redirects'])

/** URL path → the first 12 hex digits of its file's SHA-256, for every file served from `publicDir`. */
export function computeAssetVersions(publicDir = path.join(ROOT, 'public')) {
  const versions = {}
  for (const file of listFiles(publicDir)) {
    const parts = path.relative(publicDir, file).split(path.sep)
    if (parts.some((part) => part.startsWith('.')) || NOT_SERVED.has(parts.join('/'))) continue
    versions[`/${parts.join('/')}`] = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 12)
  }
  return versions
}

/** Writes ASSET_VERSIONS_FILE under `root` from its public/; true when the file changed. */
export function writeAssetVersions(root = ROOT) {
  const target = path.join(root, ASSET_VERSIONS_FILE)
  fs.mkdirSync(path.dirname(target), { recursive: true })
  return writeIfChanged(target, Buffer.from(JSON.stringify(computeAssetVersions(path.join(root, 'public')), null, 2) + '\n'))
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) writeAssetVersions()
