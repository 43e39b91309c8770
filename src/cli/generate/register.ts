import { CliError, EXIT } from '../errors'
import type { FeatureNames } from './names'

/**
 * Adds the feature to src/index.tsx: an import of its public entry, and its name in the features list
 * (`const features = [...]` or `createApp([...])`). A root without a list yet mounts its routes instead.
 * A targeted edit, never a rewrite: src/index.tsx is shared by everyone.
 */
export function registerFeature(source: string, n: FeatureNames): string {
  const symbol = `${n.camel}Feature`
  const importLine = `import { ${symbol} } from './${n.kebab}'`
  if (source.includes(importLine)) return source
  let out = insertImport(source, importLine)
  const list = /(\bfeatures\b[^=\n]*=\s*\[|createApp\(\s*\[)([^\]]*)\]/.exec(out)
  if (list) {
    const [whole, open, items] = list
    const trimmed = items!.replace(/\s+$/, '')
    let next: string
    if (items!.includes('\n')) {
      const indent = /\n([ \t]+)\S/.exec(items!)?.[1] ?? '  '
      const closingIndent = /\n([ \t]*)$/.exec(items!)?.[1] ?? ''
      next = `${open}${trimmed.replace(/,?$/, ',')}\n${indent}${symbol},\n${closingIndent}]`
    } else {
      next = `${open}${trimmed === '' ? symbol : `${trimmed.replace(/,\s*$/, '')}, ${symbol}`}]`
    }
    return out.replace(whole, next)
  }
  const notFound = out.indexOf('app.notFound(')
  if (notFound >= 0) {
    const routeLine = `app.route('/', ${symbol}.routes!)\n`
    // Next to the other app.route lines, which come before the not-found handler.
    const lastRoute = out.lastIndexOf("app.route('/',", notFound)
    const at = lastRoute >= 0 ? out.indexOf('\n', lastRoute) + 1 : notFound
    out = out.slice(0, at) + routeLine + out.slice(at)
    return out
  }
  throw new CliError('src/index.tsx has neither a features list nor app.route lines, so the feature could not be registered.', `Add ${symbol} (from './${n.kebab}') to the features list in src/index.tsx by hand.`, EXIT.failed)
}

function insertImport(source: string, importLine: string): string {
  // After the last top-level import statement (which may span lines).
  const re = /^import[\s\S]*?from\s+['"][^'"]+['"][ \t]*$/gm
  let end = -1
  for (let m = re.exec(source); m; m = re.exec(source)) end = m.index + m[0].length
  if (end < 0) return `${importLine}\n${source}`
  return `${source.slice(0, end)}\n${importLine}${source.slice(end)}`
}

/**
 * Lists the feature's form route in test/platform/malformed-forms.test.ts's table (ADR 0007): that test
 * checks every `formBodyLimit` route against malformed bodies and fails on a route it does not list.
 */
export function registerFormRoute(source: string, n: FeatureNames): string {
  const entry = `{ path: '/${n.kebab}', field: 'title', signedIn: true },`
  if (source.includes(`path: '/${n.kebab}'`)) return source
  const table = /(const FORM_ROUTES[^=]*=\s*\[\n)([\s\S]*?)(\n\])/.exec(source)
  if (!table) throw new CliError('test/platform/malformed-forms.test.ts has no FORM_ROUTES table to list the new form route in.', `Add ${entry} to its table of form routes by hand.`, EXIT.failed)
  const indent = /^([ \t]*)\{/m.exec(table[2]!)?.[1] ?? '  '
  return source.replace(table[0], `${table[1]}${table[2]}\n${indent}${entry}${table[3]}`)
}
