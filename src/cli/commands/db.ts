import type { Command } from 'commander'
import { isLocalDatabaseUrl, redactUrl, requireDatabaseUrl } from '../db-url'
import { CliError, EXIT } from '../errors'
import { printLine } from '../output'
import { findProjectRoot, resolveEnv } from '../project'

/**
 * Which database a db command means: DATABASE_URL from the shell when set (CI, production), otherwise
 * the one `wrangler dev` uses (.dev.vars, written by `npm run db:start`).
 */
export function resolveDatabaseUrl(root: string): string {
  if (process.env.DATABASE_URL) return requireDatabaseUrl(process.env, 'the environment')
  return requireDatabaseUrl(resolveEnv(root, 'development').values, '.dev.vars and the environment')
}

function refuseRemote(url: string, what: string): void {
  if (!isLocalDatabaseUrl(url)) {
    throw new CliError(
      `Refusing to ${what} ${redactUrl(url)}: it is not a local database (only 127.0.0.1, localhost or ::1).`,
      'Point DATABASE_URL at your local database (`npm run db:start`); for a remote one use `npx quickscale db migrate` only.',
      EXIT.refused,
    )
  }
}

export function registerDb(program: Command): void {
  const db = program
    .command('db')
    .description('database: migrate, seed, reset, status (DATABASE_URL from the environment, else .dev.vars)')
    .addHelpText('after', '\nExamples:\n  npx quickscale db status\n  npx quickscale db migrate\n  DATABASE_URL=postgresql://… npx quickscale db migrate')

  db.command('migrate')
    .description('apply pending migrations from drizzle/')
    .action(async () => {
      const root = findProjectRoot()
      const url = resolveDatabaseUrl(root)
      const { applyMigrations, readMigrationStatus, withDatabase } = await import('../db')
      await withDatabase(url, async ({ client }) => {
        const before = await readMigrationStatus(client, root)
        await applyMigrations(client, root)
        printLine(before.pending.length === 0 ? `✔ ${redactUrl(url)}: up to date, nothing to apply` : `✔ ${redactUrl(url)}: applied ${before.pending.join(', ')}`)
      })
    })

  db.command('status')
    .description('list applied and pending migrations; exit 4 when some are pending')
    .action(async () => {
      const root = findProjectRoot()
      const url = resolveDatabaseUrl(root)
      const { readMigrationStatus, withDatabase } = await import('../db')
      const status = await withDatabase(url, ({ client }) => readMigrationStatus(client, root))
      printLine(`database ${redactUrl(url)}`)
      for (const tag of status.applied) printLine(`  ✔ ${tag}`)
      for (const tag of status.pending) printLine(`  … ${tag} (pending)`)
      if (status.pending.length > 0) {
        throw new CliError(`${status.pending.length} migration${status.pending.length === 1 ? ' is' : 's are'} pending.`, 'Run `npx quickscale db migrate`.', EXIT.database)
      }
      printLine(`${status.applied.length} applied, none pending.`)
    })

  db.command('seed')
    .description('load the demo data (dev admin and user, a contact message); local databases only')
    .action(async () => {
      const root = findProjectRoot()
      const url = resolveDatabaseUrl(root)
      refuseRemote(url, 'seed')
      const { readMigrationStatus, withDatabase } = await import('../db')
      const { runSeeds } = await import('../seed')
      const notes = await withDatabase(url, async ({ client, db: database }) => {
        const status = await readMigrationStatus(client, root)
        if (status.pending.length > 0) throw new CliError('The database is not migrated, so the demo data has nowhere to go.', 'Run `npx quickscale db migrate` first.', EXIT.database)
        return runSeeds(database)
      })
      for (const note of notes) printLine(`✔ ${note}`)
      printLine('✔ demo data loaded')
    })

  db.command('reset')
    .description('drop every table, migrate and seed again; local databases only')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--no-seed', 'leave the database empty after migrating')
    .action(async (opts: { yes?: boolean; seed: boolean }) => {
      const root = findProjectRoot()
      const url = resolveDatabaseUrl(root)
      refuseRemote(url, 'reset')
      if (!opts.yes) {
        if (!process.stdin.isTTY) throw new CliError('`db reset` deletes every row and needs confirmation.', 'Add --yes to confirm.', EXIT.usage)
        const { confirm } = await import('../prompt')
        if (!(await confirm(`Delete every table in ${redactUrl(url)}?`))) throw new CliError('Reset cancelled.', 'Run it again and answer "y", or add --yes.', EXIT.refused)
      }
      const { applyMigrations, withDatabase } = await import('../db')
      const { runSeeds } = await import('../seed')
      const notes = await withDatabase(url, async ({ client, db: database }) => {
        // drizzle keeps its bookkeeping in its own schema; both go so the migrator starts from zero.
        await client.query('drop schema if exists public cascade; drop schema if exists drizzle cascade; create schema public')
        await applyMigrations(client, root)
        return opts.seed ? runSeeds(database) : []
      })
      printLine(`✔ ${redactUrl(url)}: dropped, migrated${opts.seed ? ', seeded' : ''}`)
      for (const note of notes) printLine(`✔ ${note}`)
    })
}
