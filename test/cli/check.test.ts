import { beforeAll, describe, expect, inject, it } from 'vitest'
import { createDatabase, query, runCli, writeEnvFile } from './helpers'

// `quickscale check` against a real Postgres migrated by the CLI itself. Variables come from a temp file
// (--env-file) so the developer's own .dev.vars never changes the outcome.
let databaseUrl: string

const healthy = () => ({
  ENVIRONMENT: 'development',
  APP_URL: 'http://127.0.0.1:8787',
  DATABASE_URL: databaseUrl,
  RESEND_API_KEY: '',
})

beforeAll(async () => {
  databaseUrl = await createDatabase(inject('cliAdminUrl'))
  const migrate = await runCli(['db', 'migrate'], { env: { DATABASE_URL: databaseUrl } })
  expect(migrate.stderr).toBe('')
  expect(migrate.code).toBe(0)
})

describe('quickscale check (development)', () => {
  it('passes on a healthy local setup, bundle included, and exits 0', async () => {
    const run = await runCli(['check', '--env-file', writeEnvFile(healthy())])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    for (const check of ['node', 'bindings', 'variables', 'database', 'migrations', 'bundle']) expect(run.stdout).toMatch(new RegExp(`✔ ${check}\\b`))
    expect(run.stdout).toMatch(/✔ bundle\s+builds, [\d.]+ (KiB|MiB) gzip \(budget 1 MiB\)/)
    expect(run.stdout).toContain('All checks passed (development).')
  }, 180_000)

  it('fails on a missing secret and names the fix', async () => {
    const { DATABASE_URL: _, ...withoutDatabase } = healthy()
    const run = await runCli(['check', '--skip-build', '--env-file', writeEnvFile(withoutDatabase)])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('✖ variables  DATABASE_URL is missing.')
    expect(run.stdout).toMatch(/fix: Run `npm run db:start`/)
    expect(run.stderr).toContain('✖ 1 check failed.')
  })

  it('fails on a live Stripe key in development', async () => {
    const run = await runCli(['check', '--skip-build', '--env-file', writeEnvFile({ ...healthy(), STRIPE_SECRET_KEY: 'sk_live_51Habcdefghijklmnop', STRIPE_WEBHOOK_SECRET: 'whsec_abc123' })])
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('STRIPE_SECRET_KEY is a live key in development: use a test key (sk_test_…).')
    expect(run.stdout).toMatch(/fix: Add STRIPE_SECRET_KEY=sk_test_/)
  })

  it('fails when a migration is pending and says how to apply it', async () => {
    const halfMigrated = await createDatabase(inject('cliAdminUrl'))
    expect((await runCli(['db', 'migrate'], { env: { DATABASE_URL: halfMigrated } })).code).toBe(0)
    // As if drizzle/ gained a migration after this database was last migrated.
    const [last] = await query<{ id: number }>(halfMigrated, 'delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations) returning id')
    expect(last).toBeDefined()
    const run = await runCli(['check', '--skip-build', '--env-file', writeEnvFile({ ...healthy(), DATABASE_URL: halfMigrated })])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/✖ migrations 1 pending: \d{4}_\w+/)
    expect(run.stdout).toContain('fix: Run `npx quickscale db migrate`')
    const status = await runCli(['db', 'status'], { env: { DATABASE_URL: halfMigrated } })
    expect(status.code).toBe(4)
    expect(status.stdout).toContain('(pending)')
  })

  it('fails when the database is unreachable', async () => {
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    const run = await runCli(['check', '--skip-build', '--env-file', writeEnvFile({ ...healthy(), DATABASE_URL: 'postgresql://postgres:secret@127.0.0.1:1/quickscale' })])
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/✖ database\s+Cannot reach the database at postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/quickscale/)
    expect(run.stdout).toContain('fix: Start the local database with `npm run db:start`')
    expect(run.stdout).toContain('– migrations not checked: database unreachable')
    expect(run.stdout).not.toContain('secret')
  })
})

describe('quickscale check (production)', () => {
  it('refuses the starter\'s placeholders and a missing Resend key', async () => {
    const run = await runCli(['check', '--env', 'production', '--skip-build'], { env: { DATABASE_URL: databaseUrl, RESEND_API_KEY: undefined } })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('APP_URL is a placeholder')
    expect(run.stdout).toContain('ADMIN_EMAIL is a placeholder')
    expect(run.stdout).toContain('RESEND_API_KEY is missing.')
    expect(run.stdout).toContain('DATABASE_URL points at this machine')
  })
})
