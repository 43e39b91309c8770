import { describe, expect, it } from 'vitest'
import type { Command } from 'commander'
import { createProgram } from '../../src/cli/main'
import { runCli } from './helpers'

// Every command the issue names; the test also walks whatever --help lists, so a new command gets covered.
const EXPECTED = ['init', 'check', 'db migrate', 'db seed', 'db reset', 'db status', 'admin create', 'admin promote', 'stripe sync', 'logs', 'deploy', 'generate feature', 'crawl']

function listedCommands(help: string): string[] {
  // The Commands: block ends at the first blank line (examples follow).
  const section = help.split(/^Commands:$/m)[1]?.split(/\n\s*\n/)[0]
  if (!section) return []
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((name) => name !== 'help')
}

/** Walks the tree the way a reader of --help would: by the names each help text lists. */
function collect(command: Command, prefix: string[]): string[] {
  const help = command.helpInformation()
  expect(help, prefix.join(' ')).toContain(`Usage: quickscale ${prefix.join(' ')}`.trimEnd())
  const children = listedCommands(help)
  if (children.length === 0) return [prefix.join(' ')]
  return children.flatMap((name) => {
    const child = command.commands.find((c) => c.name() === name)
    expect(child, `${[...prefix, name].join(' ')} is listed but not registered`).toBeDefined()
    return collect(child!, [...prefix, name])
  })
}

describe('quickscale --help', () => {
  it('prints usage with exit code 0, and every command and subcommand has its own', async () => {
    // One real process for the exit code and the output path; the tree itself in-process (each
    // process costs half a second of tsx start-up, and the texts are the same ones).
    const run = await runCli(['db', 'migrate', '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Usage: quickscale db migrate')
    const leaves = collect(createProgram(), []).filter(Boolean)
    expect(leaves).toEqual(expect.arrayContaining(EXPECTED))
  })

  it('suggests the closest command for a typo and exits 2 without a stack trace', async () => {
    const run = await runCli(['chek'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("unknown command 'chek'")
    expect(run.stderr).toContain('Did you mean check?')
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })

  it('suggests the closest subcommand too', async () => {
    const run = await runCli(['db', 'migrat'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('Did you mean migrate?')
  })

  it('names the fix for a bad option value (exit 2)', async () => {
    const run = await runCli(['check', '--env', 'prod', '--skip-build'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('Unknown environment "prod"')
    expect(run.stderr).toContain('fix: Use --env development, --env staging, --env production.')
    const deploy = await runCli(['deploy', '--env', 'development'])
    expect(deploy.code).toBe(2)
    expect(deploy.stderr).toContain('fix: Use --env production, --env staging.')
  })
})

describe('quickscale crawl and logs without what they need', () => {
  it('crawl: nothing answering at --url is a clear exit 5', async () => {
    const run = await runCli(['crawl', '--url', 'http://127.0.0.1:1'])
    expect(run.code).toBe(5)
    expect(run.stderr).toContain('Nothing answers at http://127.0.0.1:1.')
    expect(run.stderr).toContain('fix: Start the app with `npm run dev`')
  })

  it('logs: without a Cloudflare login it says how to log in (exit 5)', async () => {
    const run = await runCli(['logs'], { env: { CLOUDFLARE_API_TOKEN: undefined, HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' } })
    expect(run.code).toBe(5)
    expect(run.stderr).toContain('not logged in to Cloudflare')
    expect(run.stderr).toContain('fix: Run `npx wrangler login`')
  })
})
