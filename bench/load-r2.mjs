// The local R2 bucket as wrangler dev keeps it (`--persist-to`, default .wrangler/state): miniflare stores
// each bucket's object index in a SQLite file (table _mf_objects) under v3/r2/miniflare-R2BucketObject/.
// Read directly, so `npm run load` counts the objects that really exist, not what the app believes.
import fs from 'node:fs'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'

/** Objects whose key starts with `prefix`, from every local bucket: { key, size, uploaded (ms) }. */
export function listLocalR2Objects(stateDir, prefix) {
  const dir = path.join(stateDir, 'v3', 'r2', 'miniflare-R2BucketObject')
  if (!fs.existsSync(dir)) return []
  const objects = []
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite')) {
    const db = new DatabaseSync(path.join(dir, file), { readOnly: true })
    try {
      const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_mf_objects'").get()
      if (!hasTable) continue
      // substr, not LIKE: a key may contain % or _.
      for (const row of db.prepare('SELECT key, size, uploaded FROM _mf_objects WHERE substr(key, 1, ?) = ?').all(prefix.length, prefix)) {
        objects.push({ key: row.key, size: Number(row.size), uploaded: Number(row.uploaded) })
      }
    } finally {
      db.close()
    }
  }
  return objects
}
