import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
// @ts-expect-error plain .mjs module of the CLI's Node hooks
import { resolvePackageRelative } from '../../bin/package-relative.mjs'

// bin/package-relative.mjs answers a package's relative imports of its own files itself (Node 24 re-parses
// the package's exports map for each); what it answers must be what Node answers, and what it cannot
// answer exactly goes to Node.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-package-relative-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

function write(file: string, text = 'export {}\n') {
  const full = path.join(root, file)
  fs.mkdirSync(path.dirname(full), { recursive: true })
  fs.writeFileSync(full, text)
  return full
}
const url = (file: string) => pathToFileURL(path.join(root, file)).href

write('node_modules/esm-pkg/package.json', JSON.stringify({ name: 'esm-pkg', type: 'module', exports: { '.': './index.js' } }))
write('node_modules/esm-pkg/index.js')
write('node_modules/esm-pkg/lib/sql.js')
write('node_modules/esm-pkg/lib/old.cjs', 'module.exports = 1\n')
write('node_modules/cjs-pkg/package.json', JSON.stringify({ name: 'cjs-pkg', type: 'commonjs' }))
write('node_modules/cjs-pkg/index.js', 'module.exports = 1\n')
write('node_modules/cjs-pkg/esm.mjs')
write('node_modules/cjs-pkg/util.js', 'module.exports = 2\n')
write('node_modules/typeless/package.json', JSON.stringify({ name: 'typeless' }))
write('node_modules/typeless/index.js')
write('node_modules/typeless/util.js')
// A folder with its own package.json sets the type below it, as in Node.
write('node_modules/esm-pkg/cjs/package.json', JSON.stringify({ type: 'commonjs' }))
write('node_modules/esm-pkg/cjs/util.js', 'module.exports = 3\n')
write('src/app.js')
fs.symlinkSync(path.join(root, 'node_modules/esm-pkg/lib/sql.js'), path.join(root, 'node_modules/esm-pkg/linked.js'))

describe('a package\'s relative imports of its own files', () => {
  it('resolve to the file, with the format of the nearest package.json\'s type or of the extension', () => {
    expect(resolvePackageRelative('./lib/sql.js', url('node_modules/esm-pkg/index.js'))).toEqual({ url: url('node_modules/esm-pkg/lib/sql.js'), format: 'module', shortCircuit: true })
    expect(resolvePackageRelative('../index.js', url('node_modules/esm-pkg/lib/sql.js'))).toEqual({ url: url('node_modules/esm-pkg/index.js'), format: 'module', shortCircuit: true })
    expect(resolvePackageRelative('./old.cjs', url('node_modules/esm-pkg/lib/sql.js'))?.format).toBe('commonjs')
    expect(resolvePackageRelative('./util.js', url('node_modules/cjs-pkg/index.js'))?.format).toBe('commonjs')
    expect(resolvePackageRelative('./esm.mjs', url('node_modules/cjs-pkg/index.js'))?.format).toBe('module')
    expect(resolvePackageRelative('./cjs/util.js', url('node_modules/esm-pkg/index.js'))?.format).toBe('commonjs')
  })

  it('are left to Node when it decides differently or reports the error', () => {
    const from = url('node_modules/esm-pkg/index.js')
    // No "type": Node detects the format from the syntax.
    expect(resolvePackageRelative('./util.js', url('node_modules/typeless/index.js'))).toBeNull()
    // Bare specifiers need the exports map; no extension, a folder or a missing file is Node's to resolve or refuse.
    expect(resolvePackageRelative('esm-pkg', from)).toBeNull()
    expect(resolvePackageRelative('./lib/sql', from)).toBeNull()
    expect(resolvePackageRelative('./lib', from)).toBeNull()
    expect(resolvePackageRelative('./missing.js', from)).toBeNull()
    // Node resolves a symlink to its real path; a query or an encoded character changes the URL.
    expect(resolvePackageRelative('./linked.js', from)).toBeNull()
    expect(resolvePackageRelative('./lib/sql.js?v=1', from)).toBeNull()
    expect(resolvePackageRelative('./lib/%73ql.js', from)).toBeNull()
    // The app's own files go through tsx and Node as before.
    expect(resolvePackageRelative('./app.js', url('src/index.js'))).toBeNull()
    expect(resolvePackageRelative('./lib/sql.js', undefined)).toBeNull()
    expect(resolvePackageRelative('./lib/sql.js', 'data:text/javascript,')).toBeNull()
  })

  it('match what Node itself resolves', async () => {
    const { resolve } = await import('../../bin/runtime-hooks.mjs' as string) as { resolve: (s: string, c: { parentURL?: string }, n: () => never) => { url: string } }
    const from = url('node_modules/esm-pkg/index.js')
    const ours = resolve('./lib/sql.js', { parentURL: from }, () => { throw new Error('went to Node') })
    expect(ours.url).toBe(import.meta.resolve('./lib/sql.js', from))
  })
})
