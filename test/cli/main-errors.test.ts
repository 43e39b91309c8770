import { afterEach, describe, expect, it, vi } from 'vitest'
import { EXIT } from '../../src/cli/errors'
import { runCli } from '../../src/cli/main'

// How `quickscale` turns each kind of ending into an exit code and one readable message (src/cli/main.ts),
// in-process; help.test.ts runs the same as processes for the common cases.

const savedUrl = process.env.DATABASE_URL
afterEach(() => {
  if (savedUrl === undefined) Reflect.deleteProperty(process.env, 'DATABASE_URL')
  else process.env.DATABASE_URL = savedUrl
})

async function quickscale(...args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { out.push(String(chunk)); return true })
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { err.push(String(chunk)); return true })
  try {
    const code = await runCli(['node', 'quickscale', ...args])
    return { code, stdout: out.join(''), stderr: err.join('') }
  } finally {
    stdout.mockRestore()
    stderr.mockRestore()
  }
}

describe('quickscale exit codes and messages', () => {
  it('--version and --help end with 0', async () => {
    expect(await quickscale('--version')).toMatchObject({ code: EXIT.ok, stdout: '0.1.0\n' })
    const help = await quickscale('--help')
    expect(help.code).toBe(EXIT.ok)
    expect(help.stdout).toContain('Exit codes: 0 ok · 1 failed · 2 usage')
  })

  it('an unknown command is a usage error (2) with a suggestion', async () => {
    const run = await quickscale('deplyo')
    expect(run.code).toBe(EXIT.usage)
    expect(run.stderr).toContain("unknown command 'deplyo'")
    expect(run.stderr).toContain('(Did you mean deploy?)')
  })

  it('a CliError prints its message and fix, and exits with its code', async () => {
    const run = await quickscale('crawl', '--as', 'owner')
    expect(run.code).toBe(EXIT.usage)
    expect(run.stderr).toBe('✖ --as owner is not admin, user or visitor.\n  fix: Use --as admin, --as user or --as visitor.\n')
  })

  it('--verbose adds the underlying cause\'s stack; without it there is none', async () => {
    process.env.DATABASE_URL = 'postgresql://nobody@127.0.0.1:1/none'
    const quiet = await quickscale('db', 'status')
    expect(quiet.code).toBe(EXIT.database)
    expect(quiet.stderr).toMatch(/^✖ .+\n {2}fix: .+\n$/)
    const verbose = await quickscale('--verbose', 'db', 'status')
    expect(verbose.code).toBe(EXIT.database)
    expect(verbose.stderr.startsWith(quiet.stderr)).toBe(true)
    expect(verbose.stderr).toMatch(/\n\n\w*Error[\s\S]*\n {4}at /)
  })
})
