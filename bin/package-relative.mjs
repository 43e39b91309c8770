// Resolves `import './x.js'` made by a file inside node_modules to that file, with the format Node would
// give it, without Node's default resolver. That resolver looks up the file's package scope for every
// import, and Node 24 (lib/internal/modules/package_json_reader.js) hands back a fresh object whose lazy
// `exports` getter the lookup itself triggers: the package's whole exports map is JSON-parsed once per
// imported file. drizzle-orm's is 130 KB and the CLI imports a few hundred of its files, so this was
// ~45 % of a `quickscale admin create` (0.5 of 1.1 CPU-s).
//
// Only the plain case is taken: a relative specifier with an explicit .js/.mjs/.cjs extension, from a
// file under node_modules, naming a regular file (not a symlink, which Node would resolve to its real
// path) with no query or hash. Anything else — bare specifiers (they need `exports`), directories, a
// missing file (Node's error message) — returns null and goes to Node.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const EXTENSION_FORMAT = { '.mjs': 'module', '.cjs': 'commonjs' }
// Directory → "module", "commonjs" or null (no "type"): the nearest package.json's, found as Node finds it
// (upwards, not past a node_modules folder).
const scopeTypes = new Map()

export function resolvePackageRelative(specifier, parentURL) {
  if (!parentURL?.startsWith('file:') || !parentURL.includes('/node_modules/')) return null
  if (!(specifier.startsWith('./') || specifier.startsWith('../'))) return null
  const extension = path.extname(specifier)
  if (extension !== '.js' && extension !== '.mjs' && extension !== '.cjs') return null
  if (specifier.includes('?') || specifier.includes('#') || specifier.includes('%')) return null
  const url = new URL(specifier, parentURL)
  const file = fileURLToPath(url)
  const stat = fs.lstatSync(file, { throwIfNoEntry: false })
  if (!stat?.isFile()) return null
  const format = EXTENSION_FORMAT[extension] ?? scopeType(path.dirname(file))
  // A package without "type" leaves a .js file's format to Node's syntax detection.
  if (format === null) return null
  return { url: pathToFileURL(file).href, format, shortCircuit: true }
}

function scopeType(dir) {
  if (scopeTypes.has(dir)) return scopeTypes.get(dir)
  let type = null
  const manifest = path.join(dir, 'package.json')
  if (fs.existsSync(manifest)) {
    const declared = JSON.parse(fs.readFileSync(manifest, 'utf8')).type
    type = declared === 'module' || declared === 'commonjs' ? declared : null
  } else if (path.basename(dir) !== 'node_modules' && path.dirname(dir) !== dir) {
    type = scopeType(path.dirname(dir))
  }
  scopeTypes.set(dir, type)
  return type
}
