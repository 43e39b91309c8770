import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
// @ts-expect-error plain .mjs script run on postinstall
import { PATCHES, POOL_VERSION, patchSource, patchTestPool } from '../../scripts/patch-test-pool.mjs'

type Patch = { file: string; from: string; to: string }
const POOL = path.resolve('node_modules/@cloudflare/vitest-pool-workers')

describe('the test pool patches (ADR 0080)', () => {
  it('are applied to the installed pool', () => {
    expect(JSON.parse(fs.readFileSync(path.join(POOL, 'package.json'), 'utf8')).version).toBe(POOL_VERSION)
    for (const patch of PATCHES as Patch[]) {
      expect(patchSource(fs.readFileSync(path.join(POOL, patch.file), 'utf8'), patch).state, patch.file).toBe('already')
    }
  })

  it('patch once, recognise their own work, and refuse a file they do not know', () => {
    for (const patch of PATCHES as Patch[]) {
      const original = `before\n${patch.from} rest\nafter`
      const once = patchSource(original, patch)
      expect(once.state).toBe('patched')
      expect(once.source).toContain(patch.to)
      expect(patchSource(once.source, patch)).toEqual({ state: 'already', source: once.source })
      expect(patchSource('something else entirely', patch).state).toBe('unknown')
    }
  })

  it('leave a tree without the pool alone (a production install)', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-no-pool-'))
    try {
      expect(patchTestPool(empty, () => {})).toBe('absent')
    } finally {
      fs.rmSync(empty, { recursive: true, force: true })
    }
  })
})
