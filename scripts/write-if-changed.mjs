import fs from 'node:fs'

/**
 * Writes `bytes` to `file` unless it already holds exactly them; true when it wrote. The build steps wrangler
 * runs before every `wrangler dev` and `wrangler deploy` (vendor-assets, separate-modules) stay idempotent
 * and leave unchanged files untouched, so wrangler's watcher does not rebuild for nothing.
 */
export function writeIfChanged(file, bytes) {
  if (fs.existsSync(file) && fs.readFileSync(file).equals(bytes)) return false
  fs.writeFileSync(file, bytes)
  return true
}
