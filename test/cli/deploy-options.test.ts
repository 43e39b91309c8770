import { Command } from 'commander'
import { afterEach, describe, expect, it } from 'vitest'
import { registerDeploy } from '../../src/cli/commands/deploy'
import { EXIT } from '../../src/cli/errors'

// `quickscale deploy`'s options, refused in-process before anything is read or changed (deploy-run.test.ts
// runs the deploy itself).

const saved = { token: process.env.CLOUDFLARE_API_TOKEN, home: process.env.HOME, xdg: process.env.XDG_CONFIG_HOME }
afterEach(() => {
  for (const [key, value] of [['CLOUDFLARE_API_TOKEN', saved.token], ['HOME', saved.home], ['XDG_CONFIG_HOME', saved.xdg]] as const) {
    if (value === undefined) Reflect.deleteProperty(process.env, key)
    else process.env[key] = value
  }
})

async function deploy(...args: string[]) {
  const program = new Command().exitOverride()
  registerDeploy(program)
  return program.parseAsync(['node', 'quickscale', 'deploy', ...args]).then(() => undefined, (e: unknown) => e)
}

describe('quickscale deploy options', () => {
  it('refuses an environment other than production or staging, and a --smoke-url that is no URL (usage)', async () => {
    expect(await deploy('--env', 'development')).toMatchObject({ message: 'Unknown environment "development".', fix: 'Use --env production, --env staging.', exitCode: EXIT.usage })
    expect(await deploy('--smoke-url', 'my-app.workers.dev')).toMatchObject({ message: '--smoke-url my-app.workers.dev is not a URL.', exitCode: EXIT.usage })
  })

  it('without a Cloudflare login, says how to log in (exit 5) before reading the account', async () => {
    Reflect.deleteProperty(process.env, 'CLOUDFLARE_API_TOKEN')
    process.env.HOME = '/nonexistent'
    process.env.XDG_CONFIG_HOME = '/nonexistent'
    expect(await deploy('--dry-run')).toMatchObject({ message: 'Cannot deploy: not logged in to Cloudflare (no CLOUDFLARE_API_TOKEN and no `wrangler login`).', exitCode: EXIT.service })
  })
})
