import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
// @ts-expect-error plain .mjs script run on postinstall
import { PACKAGES, patchDependencies, patchSource } from '../../scripts/patch-dependencies.mjs'

type Patch = { file: string; name: string; from: string; to: string }
type Package = { name: string; version: string; adr: string; patches: Patch[] }

describe('the dependency patches (ADR 0080, ADR 0081)', () => {
  it.each((PACKAGES as Package[]).map((p) => [p.name, p] as const))('are applied to the installed %s', (name, pkg) => {
    const dir = path.resolve('node_modules', name)
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version).toBe(pkg.version)
    expect(fs.existsSync(pkg.adr), pkg.adr).toBe(true)
    for (const patch of pkg.patches) {
      expect(patchSource(fs.readFileSync(path.join(dir, patch.file), 'utf8'), patch).state, `${name}/${patch.file}`).toBe('already')
    }
  })

  it('patch once, recognise their own work, and refuse a file they do not know', () => {
    for (const patch of (PACKAGES as Package[]).flatMap((p) => p.patches)) {
      const original = `before\n${patch.from} rest\nafter`
      const once = patchSource(original, patch)
      expect(once.state).toBe('patched')
      expect(once.source).toContain(patch.to)
      expect(patchSource(once.source, patch)).toEqual({ state: 'already', source: once.source })
      expect(patchSource('something else entirely', patch).state).toBe('unknown')
    }
  })

  it('leave a tree without the packages alone (a production install), and another version as it is', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-no-tools-'))
    try {
      expect(Object.values(patchDependencies(root, () => {}))).toEqual((PACKAGES as Package[]).map(() => 'absent'))
      fs.mkdirSync(path.join(root, 'node_modules/wrangler'), { recursive: true })
      fs.writeFileSync(path.join(root, 'node_modules/wrangler/package.json'), JSON.stringify({ version: '9.9.9' }))
      const said: string[] = []
      expect(patchDependencies(root, (line: string) => said.push(line)).wrangler).toBe('skipped')
      expect(said.join('\n')).toContain('wrangler is 9.9.9')
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  })
})
