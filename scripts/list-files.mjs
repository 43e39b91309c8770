import fs from 'node:fs'
import path from 'node:path'

/** Every file under `dir`, recursively, as full paths in name order (the build steps' one walk of a folder). */
export function listFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    return entry.isDirectory() ? listFiles(full) : [full]
  })
}
