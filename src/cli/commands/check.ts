import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import type { Command } from 'commander'
import { checkBindings, checkNodeVersion, checkVariables, variableRules, type CheckResult, type StripeMode } from '../checks'
import { CliError, EXIT, describeError } from '../errors'
import { findProjectRoot, readWranglerConfig, resolveEnv, type Environment } from '../project'
import { runCommand, wranglerCommand, wranglerEnv } from '../process'
import { printLine } from '../output'
import { formatBytes } from '../../platform/format'

// Issue 8's budget: the Worker must stay at or below 1 MiB gzip (Cloudflare's free-plan limit is 3 MiB).
export const BUNDLE_BUDGET_BYTES = 1024 * 1024

export interface CheckOptions {
  env: Environment
  /** Stripe key mode required (default: live in production, test in development; staging: test). */
  stripeMode?: StripeMode
  /** Secret names `wrangler secret list` reported for the web Worker (deploy). */
  setInCloudflare?: ReadonlySet<string>
  /** deploy: the exported DATABASE_URL only migrates (the Workers have their own); a local tunnel is fine. */
  migrationsOnlyDatabaseUrl?: boolean
  skipBuild?: boolean
  envFile?: string
}

export function isBillingInstalled(root: string): boolean {
  return fs.existsSync(path.join(root, 'src', 'billing', 'index.ts'))
}

export async function runChecks(root: string, options: CheckOptions, report: (r: CheckResult) => void): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  const add = (items: CheckResult | CheckResult[]) => {
    for (const r of Array.isArray(items) ? items : [items]) {
      results.push(r)
      report(r)
    }
  }
  add(checkNodeVersion())
  const config = readWranglerConfig(root)
  add(checkBindings(root, config, options.env))
  const resolved = resolveEnv(root, options.env, config, { envFile: options.envFile })
  const secretsFile = options.env === 'development' ? resolved.secretsSource : 'the production secrets'
  add(checkVariables(resolved.values, variableRules(options.env, isBillingInstalled(root), secretsFile, options.stripeMode, { migrationsOnlyDatabaseUrl: options.migrationsOnlyDatabaseUrl }), options.setInCloudflare))
  add(await checkDatabase(root, resolved.values.DATABASE_URL))
  if (options.skipBuild) add({ check: 'bundle', status: 'skip', detail: 'skipped (--skip-build)' })
  else add(await checkBundle(root))
  return results
}

async function checkDatabase(root: string, url: string | undefined): Promise<CheckResult[]> {
  if (!url) return [{ check: 'database', status: 'skip', detail: 'not checked: DATABASE_URL is missing' }, { check: 'migrations', status: 'skip', detail: 'not checked: no database' }]
  // Loaded on use: `quickscale --help` should not pay for pg and drizzle (every command is lazy like this).
  const { openDatabase, readMigrationStatus, redactUrl } = await import('../db')
  let handle
  try {
    handle = await openDatabase(url, { timeoutMs: 5_000 })
  } catch (err) {
    const e = err as CliError
    return [
      { check: 'database', status: 'fail', detail: e.message, fix: e.fix ?? 'Check DATABASE_URL.' },
      { check: 'migrations', status: 'skip', detail: 'not checked: database unreachable' },
    ]
  }
  try {
    const version = await handle.client.query('show server_version')
    const out: CheckResult[] = [{ check: 'database', status: 'pass', detail: `reachable at ${redactUrl(url)} (Postgres ${version.rows[0]?.server_version})` }]
    const status = await readMigrationStatus(handle.client, root)
    out.push(
      status.pending.length === 0
        ? { check: 'migrations', status: 'pass', detail: `${status.applied.length} applied, none pending` }
        : { check: 'migrations', status: 'fail', detail: `${status.pending.length} pending: ${status.pending.join(', ')}`, fix: 'Run `npx quickscale db migrate` (production: `npx quickscale deploy` applies them first).' },
    )
    return out
  } catch (err) {
    return [{ check: 'migrations', status: 'fail', detail: `could not read the migration table: ${describeError(err)}`, fix: 'Run `npx quickscale db status --verbose` for details.' }]
  } finally {
    await handle.close()
  }
}

async function checkBundle(root: string): Promise<CheckResult> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'quickscale-check-'))
  try {
    const wrangler = wranglerCommand()
    const run = await runCommand(wrangler.command, [...wrangler.args, 'deploy', '--dry-run', '--outdir', outdir], { cwd: root, env: wranglerEnv() })
    if (run.code !== 0) {
      const reason = /✘ \[ERROR\] ([^\n]+)/.exec(run.output)?.[1] ?? run.output.trim().split('\n').slice(-3).join(' ')
      return { check: 'bundle', status: 'fail', detail: `wrangler deploy --dry-run failed: ${reason}`, fix: 'Run `npx wrangler deploy --dry-run` to see the full build error and fix the code it names.' }
    }
    let gzip = 0
    for (const entry of fs.readdirSync(outdir, { recursive: true })) {
      const file = path.join(outdir, String(entry))
      if (fs.statSync(file).isFile() && !file.endsWith('.map') && !file.endsWith('README.md')) gzip += zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length
    }
    return gzip <= BUNDLE_BUDGET_BYTES
      ? { check: 'bundle', status: 'pass', detail: `builds, ${formatBytes(gzip)} gzip (budget ${formatBytes(BUNDLE_BUDGET_BYTES)})` }
      : { check: 'bundle', status: 'fail', detail: `${formatBytes(gzip)} gzip is over the ${formatBytes(BUNDLE_BUDGET_BYTES)} budget`, fix: 'See docs/performance.md: find what grew with `npx wrangler deploy --dry-run --metafile` and move it out of the Worker.' }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true })
  }
}

const MARK = { pass: '✔', fail: '✖', skip: '–' } as const

export function printCheck(r: CheckResult): void {
  printLine(`  ${MARK[r.status]} ${r.check.padEnd(10)} ${r.detail}`)
  if (r.fix) printLine(`    ${''.padEnd(10)} fix: ${r.fix}`)
}

export type Target = Environment | 'staging'

export function parseTarget(value: string, allowed: readonly Target[] = ['development', 'staging', 'production']): Target {
  if ((allowed as readonly string[]).includes(value)) return value as Target
  throw new CliError(`Unknown environment "${value}".`, `Use ${allowed.map((t) => `--env ${t}`).join(', ')}.`, EXIT.usage)
}

/**
 * Staging is a production deploy (ENVIRONMENT = "production": secure cookies, real mail) on Stripe test
 * keys — a second Cloudflare account or project, see docs/deploy.md.
 */
export function targetCheckOptions(target: Target): { env: Environment; stripeMode: StripeMode } {
  return target === 'development' ? { env: 'development', stripeMode: 'test' } : { env: 'production', stripeMode: target === 'staging' ? 'test' : 'live' }
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('verify the project is ready to run or deploy: Node, bindings, secrets, database, migrations, bundle')
    .option('-e, --env <environment>', 'development, staging (production rules, Stripe test keys) or production', 'development')
    .option('--env-file <file>', 'read variables from this file instead of .dev.vars (like `wrangler dev --env-file`)')
    .option('--skip-build', 'do not run `wrangler deploy --dry-run` (faster; the bundle line shows as skipped)')
    .addHelpText('after', '\nExit code 0 only when every check passes; 1 when any fails.\n\nExamples:\n  npx quickscale check\n  npx quickscale check --env production')
    .action(async (opts: { env: string; skipBuild?: boolean; envFile?: string }) => {
      const target = parseTarget(opts.env)
      const root = findProjectRoot()
      printLine(`quickscale check (${target})`)
      const results = await runChecks(root, { ...targetCheckOptions(target), skipBuild: opts.skipBuild, envFile: opts.envFile }, printCheck)
      const failed = results.filter((r) => r.status === 'fail').length
      if (failed > 0) {
        throw new CliError(`${failed} check${failed === 1 ? '' : 's'} failed.`, 'Apply the fixes listed above, then run `npx quickscale check` again.', EXIT.failed)
      }
      printLine(`All checks passed (${target}).`)
    })
}
