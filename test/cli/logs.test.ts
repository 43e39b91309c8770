import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Command } from 'commander'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { hasCloudflareLogin, registerLogs } from '../../src/cli/commands/logs'
import { CliError, EXIT } from '../../src/cli/errors'
import { ROOT } from './helpers'

// `quickscale logs` in-process: where a Cloudflare login is found, and the `wrangler tail` command line it
// builds, run by a wrangler stand-in that records its arguments (help.test.ts covers the missing login).

describe('hasCloudflareLogin', () => {
  const home = () => fs.mkdtempSync(path.join(os.tmpdir(), 'qs-logs-home-'))
  const login = (dir: string) => { fs.mkdirSync(path.join(dir, '.wrangler', 'config'), { recursive: true }); fs.writeFileSync(path.join(dir, '.wrangler', 'config', 'default.toml'), 'oauth_token = "x"\n') }

  it('takes an API token, an XDG config login, or the legacy ~/.wrangler login; nothing else', () => {
    // The project's generated types make every binding a required key of ProcessEnv: a partial shell here.
    const hasLogin = (env: Record<string, string>) => hasCloudflareLogin(env as NodeJS.ProcessEnv)
    const empty = home()
    expect(hasLogin({ HOME: empty })).toBe(false)
    expect(hasLogin({ HOME: empty, CLOUDFLARE_API_TOKEN: 'token' })).toBe(true)
    const xdg = home()
    login(path.join(xdg, 'config'))
    expect(hasLogin({ HOME: empty, XDG_CONFIG_HOME: path.join(xdg, 'config') })).toBe(true)
    const dotConfig = home()
    login(path.join(dotConfig, '.config'))
    expect(hasLogin({ HOME: dotConfig })).toBe(true)
    const legacy = home()
    login(legacy)
    expect(hasLogin({ HOME: legacy })).toBe(true)
  })
})

describe('quickscale logs', () => {
  const saved = { ...process.env }
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) Reflect.deleteProperty(process.env, key)
    Object.assign(process.env, saved)
  })

  /** Runs `quickscale logs …` in-process against a stand-in wrangler that logs its argv and exits `code`. */
  async function logs(args: string[], code: number) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-logs-'))
    const argvFile = path.join(dir, 'argv.json')
    const wrangler = path.join(dir, 'wrangler')
    fs.writeFileSync(wrangler, `#!/usr/bin/env node\nrequire('node:fs').writeFileSync(${JSON.stringify(argvFile)}, JSON.stringify(process.argv.slice(2)))\nprocess.exit(${code})\n`, { mode: 0o755 })
    Object.assign(process.env, { QUICKSCALE_WRANGLER: wrangler, CLOUDFLARE_API_TOKEN: 'stand-in' })
    const program = new Command().exitOverride()
    registerLogs(program)
    const printed = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    try {
      const error = await program.parseAsync(['node', 'quickscale', 'logs', ...args]).then(() => undefined, (e: unknown) => e)
      return { error, argv: fs.existsSync(argvFile) ? (JSON.parse(fs.readFileSync(argvFile, 'utf8')) as string[]) : null }
    } finally {
      printed.mockRestore()
    }
  }
  const name = String(/^name\s*=\s*"([^"]+)"/m.exec(fs.readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8'))?.[1])

  it('tails the Worker named in wrangler.toml with the filters given; Ctrl-C (130) is a normal end', async () => {
    const run = await logs(['--status', 'error', '--search', 'db pool', '--json'], 130)
    expect(run.error).toBeUndefined()
    expect(run.argv).toEqual(['tail', name, '--format', 'json', '--status', 'error', '--search', 'db pool'])
    expect((await logs([], 0)).argv).toEqual(['tail', name, '--format', 'pretty'])
  })

  it('an unknown --status is a usage error before wrangler runs; wrangler failing is exit 5 with the likely causes', async () => {
    const bad = await logs(['--status', 'failed'], 0)
    expect(bad.error).toMatchObject({ message: '--status failed is not one of ok, error, canceled.', exitCode: EXIT.usage })
    expect(bad.argv).toBeNull()
    const failed = await logs([], 1)
    expect(failed.error).toBeInstanceOf(CliError)
    expect((failed.error as CliError).message).toBe(`wrangler tail stopped with exit code 1: offline, the login expired, or ${name} is not deployed yet.`)
    expect((failed.error as CliError).exitCode).toBe(EXIT.service)
  })
})
