import { describe, expect, it } from 'vitest'
import * as pkg from 'zod'
// @ts-expect-error plain .js module: the entry wrangler.toml's [alias] gives the Worker bundle for `zod`
import * as alias from '../../src/platform/zod/index.js'

// The Worker takes `zod` from src/platform/zod/ (issue 23: the package's entry without its locales). That
// list is written by hand against zod's classic external.js, so an upgrade that adds or renames a member
// would break the Worker only. This keeps it exact: every member of the package's namespace, the same
// object, except what is left out on purpose.
const LEFT_OUT = new Set(['locales', 'core'])

describe('the Worker\'s zod alias', () => {
  it('exports every member of zod\'s `z` namespace but the locales, as the same objects', () => {
    const missing = Object.keys(pkg.z).filter((name) => !LEFT_OUT.has(name) && (alias.z as Record<string, unknown>)[name] !== (pkg.z as Record<string, unknown>)[name])
    expect(missing).toEqual([])
    expect(Object.keys(alias.z)).not.toContain('locales')
  })

  it('has the package\'s named and default exports', () => {
    expect(alias.default).toBe(alias.z)
    const named = Object.keys(pkg).filter((name) => !LEFT_OUT.has(name) && name !== 'default' && name !== 'z')
    expect(named.filter((name) => (alias as Record<string, unknown>)[name] !== (pkg as Record<string, unknown>)[name])).toEqual([])
  })
})
