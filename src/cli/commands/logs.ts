import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Command } from 'commander'
import { CliError, EXIT } from '../errors'
import { runInteractive, wranglerCommand, wranglerEnv } from '../process'
import { findProjectRoot, readWranglerConfig } from '../project'
import { printLine } from '../output'

// Where `wrangler login` keeps its OAuth token (XDG first, then the legacy folder).
export function hasCloudflareLogin(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.CLOUDFLARE_API_TOKEN) return true
  const home = env.HOME ?? os.homedir()
  const candidates = [
    path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), '.wrangler', 'config', 'default.toml'),
    path.join(home, '.wrangler', 'config', 'default.toml'),
  ]
  return candidates.some((file) => fs.existsSync(file))
}

export function requireCloudflareLogin(action: string): void {
  if (!hasCloudflareLogin()) {
    throw new CliError(
      `Cannot ${action}: not logged in to Cloudflare (no CLOUDFLARE_API_TOKEN and no \`wrangler login\`).`,
      'Run `npx wrangler login` (a browser opens), or export CLOUDFLARE_API_TOKEN (CI).',
      EXIT.service,
    )
  }
}

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description('stream the deployed Worker\'s logs (a friendly `wrangler tail`)')
    .option('--status <status>', 'only requests that ended ok, error or canceled')
    .option('--search <text>', 'only log lines containing this text')
    .option('--json', 'raw JSON events instead of the readable format')
    .addHelpText('after', '\nExamples:\n  npx quickscale logs\n  npx quickscale logs --status error\n  npx quickscale logs --search "db pool error"')
    .action(async (opts: { status?: string; search?: string; json?: boolean }) => {
      if (opts.status && !['ok', 'error', 'canceled'].includes(opts.status)) {
        throw new CliError(`--status ${opts.status} is not one of ok, error, canceled.`, 'Use --status error (or ok, canceled).', EXIT.usage)
      }
      const root = findProjectRoot()
      const name = readWranglerConfig(root).name
      requireCloudflareLogin('tail logs')
      const wrangler = wranglerCommand()
      const args = [...wrangler.args, 'tail', ...(name ? [String(name)] : []), '--format', opts.json ? 'json' : 'pretty']
      if (opts.status) args.push('--status', opts.status)
      if (opts.search) args.push('--search', opts.search)
      printLine(`Tailing ${name ?? 'the Worker'} — Ctrl-C stops.`)
      const code = await runInteractive(wrangler.command, args, { cwd: root, env: wranglerEnv() })
      // 130: the user pressed Ctrl-C, which is how tailing normally ends.
      if (code !== 0 && code !== 130) {
        throw new CliError(
          `wrangler tail stopped with exit code ${code}: offline, the login expired, or ${name ?? 'the Worker'} is not deployed yet.`,
          'Check the network, run `npx wrangler login` again, or deploy first with `npx quickscale deploy`.',
          EXIT.service,
        )
      }
    })
}
