import fs from 'node:fs'
import path from 'node:path'

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]*)['"]/g
const ENTRY = /^index\.(ts|tsx)$/

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return /\.(tsx?|mjs)$/.test(entry.name) ? [full] : []
  })
}

/**
 * Every import across folder lines that breaks the registry's rules, as readable sentences. `srcRoot`'s
 * top-level folders are features, except `platform`; `srcRoot/index.tsx` is the composition root, which
 * like any feature may use only public entries.
 */
export function findBoundaryViolations(srcRoot: string): string[] {
  const root = path.resolve(srcRoot)
  const out: string[] = []
  for (const file of sourceFiles(root)) {
    const rel = path.relative(root, file).split(path.sep)
    const own = rel.length === 1 ? null : rel[0]!
    for (const match of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = path.relative(root, path.resolve(path.dirname(file), match[1]!)).split(path.sep)
      if (target[0] === '..' || target.length === 0) continue // outside src (package.json)
      const other = target[0]!
      const from = rel.join('/')
      if (own === 'platform') {
        if (other !== 'platform') out.push(`${from} imports feature ${other} (platform imports no feature)`)
        continue
      }
      if (other === 'platform' || other === own) continue
      const isEntry = target.length === 1 || (target.length === 2 && (target[1] === 'index' || ENTRY.test(target[1]!)))
      if (!isEntry) {
        const hint = own === null ? `./${other}` : `../${other}`
        out.push(`${target.join('/')} imported by ${from} (use ${hint}, its public entry)`)
      }
    }
  }
  return out.sort()
}
