import type { Command } from 'commander'
import { requireDatabaseUrl } from '../db-url'
import { CliError, EXIT } from '../errors'
import { printLine } from '../output'
import { runInteractive, wranglerEnv } from '../process'
import { findProjectRoot, resolveEnv } from '../project'
import { printCheck, runChecks } from './check'
import { requireCloudflareLogin } from './logs'

export function registerDeploy(program: Command): void {
  program
    .command('deploy')
    .description('check --env production, apply migrations to the production database, then wrangler deploy')
    .option('--dry-run', 'run the checks and list pending migrations; change nothing')
    .addHelpText('after', '\nProduction secrets are read from the environment (Cloudflare never returns them):\n  DATABASE_URL=… RESEND_API_KEY=… STRIPE_SECRET_KEY=… STRIPE_WEBHOOK_SECRET=… npx quickscale deploy')
    .action(async (opts: { dryRun?: boolean }) => {
      const root = findProjectRoot()
      printLine('1/3 quickscale check (production)')
      // The migration check may be the only failure: it is what this command fixes, so it does not block.
      const results = await runChecks(root, { env: 'production' }, printCheck)
      const blocking = results.filter((r) => r.status === 'fail' && r.check !== 'migrations')
      if (blocking.length > 0) throw new CliError(`${blocking.length} check${blocking.length === 1 ? '' : 's'} failed; nothing was deployed.`, 'Apply the fixes above, then run `npx quickscale deploy` again.', EXIT.failed)
      const url = requireDatabaseUrl(resolveEnv(root, 'production').values, 'the environment')
      printLine('2/3 migrations')
      const { applyMigrations, readMigrationStatus, withDatabase } = await import('../db')
      await withDatabase(url, async ({ client }) => {
        const status = await readMigrationStatus(client, root)
        if (opts.dryRun) return printLine(`  would apply: ${status.pending.join(', ') || 'nothing'}`)
        await applyMigrations(client, root)
        printLine(`  ✔ applied: ${status.pending.join(', ') || 'nothing pending'}`)
      })
      if (opts.dryRun) return printLine('3/3 wrangler deploy: skipped (--dry-run)')
      requireCloudflareLogin('deploy')
      printLine('3/3 wrangler deploy')
      const code = await runInteractive('npx', ['wrangler', 'deploy'], { cwd: root, env: wranglerEnv() })
      if (code !== 0) {
        throw new CliError(`wrangler deploy failed (exit code ${code}); the migrations above are already applied.`, 'Read wrangler\'s message above (network, login, account limits), fix it and run `npx quickscale deploy` again — migrations are not re-applied.', EXIT.service)
      }
      printLine('✔ deployed')
    })
}
