import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { SLOWEST_FIRST } from '../setup/project-order'

// test/setup/project-order.ts starts these files first in their project; a renamed or deleted file would
// silently lose its place, so each must still be a test file of the run.
const ROOT = path.resolve(__dirname, '../..')

describe('the slowest files the sequencer starts first', () => {
  it('are test files that exist, each listed once', () => {
    expect(SLOWEST_FIRST.filter((file) => !file.endsWith('.test.ts') || !fs.existsSync(path.join(ROOT, file)))).toEqual([])
    expect(new Set(SLOWEST_FIRST).size).toBe(SLOWEST_FIRST.length)
  })
})
