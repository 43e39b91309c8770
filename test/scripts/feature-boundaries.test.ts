import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { findBoundaryViolations } from './feature-boundaries'

// The feature registry's rules (docs/decisions/0006-feature-registry.md), held by a source scan:
// platform imports no feature, and a feature reaches another only through its public entry
// (`src/<feature>/index.ts(x)`), never its schema, routes, views or services.
describe('feature boundaries', () => {
  it('scans a real tree', () => {
    expect(fs.readdirSync('src').filter((d) => fs.statSync(path.join('src', d)).isDirectory()).length).toBeGreaterThan(4)
  })

  it('platform imports no feature and no feature imports another feature’s internals', () => {
    expect(findBoundaryViolations('src')).toEqual([])
  })

  it('catches a platform module importing a feature and a feature importing another feature’s schema', () => {
    const root = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'qs-boundaries-'))
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
      fs.writeFileSync(path.join(root, file), text)
    }
    write('platform/layout.tsx', "import { x } from '../auth'\n")
    write('auth/index.ts', "export const x = 1\n")
    write('auth/schema.ts', "export const users = 1\n")
    write('billing/index.ts', "import { requireUser } from '../auth'\nexport { y } from './y'\n")
    write('billing/y.ts', "import { users } from '../auth/schema'\nexport const y = await import('../auth/schema')\n")
    write('index.tsx', "import { x } from './auth'\nimport { users } from './auth/schema'\n")
    expect(findBoundaryViolations(root)).toEqual([
      'auth/schema imported by billing/y.ts (use ../auth, its public entry)',
      'auth/schema imported by billing/y.ts (use ../auth, its public entry)',
      'auth/schema imported by index.tsx (use ./auth, its public entry)',
      'platform/layout.tsx imports feature auth (platform imports no feature)',
    ])
  })
})
