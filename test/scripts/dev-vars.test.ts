import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
// @ts-expect-error plain .mjs dev script
import { writeDevVars } from '../../scripts/dev-vars.mjs'

describe('scripts/dev-vars.mjs', () => {
  it('rewrites only the keys it manages and keeps the developer\'s own lines', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qs-devvars-')), '.dev.vars')
    fs.writeFileSync(file, 'STRIPE_SECRET_KEY=sk_test_123\nDATABASE_URL=postgresql://old\n# my note\n')
    writeDevVars({ DATABASE_URL: 'postgresql://new', NEON_WS_PROXY: '127.0.0.1:1/v2' }, file)
    writeDevVars({ DATABASE_URL: 'postgresql://newer', NEON_WS_PROXY: undefined }, file)
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n')
    expect(lines).toContain('STRIPE_SECRET_KEY=sk_test_123')
    expect(lines).toContain('# my note')
    expect(lines.filter((l) => l.startsWith('DATABASE_URL='))).toEqual(['DATABASE_URL=postgresql://newer'])
    // An unset value removes the key (an external DATABASE_URL needs no bridge).
    expect(lines.some((l) => l.startsWith('NEON_WS_PROXY='))).toBe(false)
    expect(lines.filter((l) => l.startsWith('# managed by'))).toHaveLength(1)
    fs.rmSync(path.dirname(file), { recursive: true, force: true })
  })
})
