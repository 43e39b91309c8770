import { execFile } from 'node:child_process'
import { describe, expect, inject, it } from 'vitest'
import { ROOT, createDatabase, query, runCli } from './helpers'

describe('quickscale db', () => {
  it('migrate → seed (twice, idempotent) → status → reset, on a local database', async () => {
    const url = await createDatabase(inject('cliAdminUrl'))
    const env = { DATABASE_URL: url }
    const fresh = await runCli(['db', 'status'], { env })
    expect(fresh.code).toBe(4)
    expect(fresh.stderr).toContain('fix: Run `npx quickscale db migrate`.')

    const seedFirst = await runCli(['db', 'seed'], { env })
    expect(seedFirst.code).toBe(4)
    expect(seedFirst.stderr).toContain('The database is not migrated')

    const migrate = await runCli(['db', 'migrate'], { env })
    expect(migrate.code).toBe(0)
    expect(migrate.stdout).toMatch(/applied 0000_init, /)
    expect((await runCli(['db', 'migrate'], { env })).stdout).toContain('up to date, nothing to apply')

    for (let i = 0; i < 2; i++) {
      const seed = await runCli(['db', 'seed'], { env })
      expect(seed.stderr).toBe('')
      expect(seed.code).toBe(0)
      expect(seed.stdout).toContain('admin admin@example.com / quickscale-admin-dev')
    }
    const users = await query<{ email: string; role: string; verified: boolean; hash: string }>(url, "select email, role, email_verified_at is not null as verified, password_hash as hash from users order by email")
    expect(users.map((u) => [u.email, u.role, u.verified])).toEqual([['admin@example.com', 'admin', true], ['user@example.com', 'user', true]])
    // The app's own hashing (ADR 0020 parameters, PHC string), not a copy of it.
    expect(users[0]!.hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)

    const status = await runCli(['db', 'status'], { env })
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/\d+ applied, none pending\./)

    const unconfirmed = await runCli(['db', 'reset'], { env })
    expect(unconfirmed.code).toBe(2)
    expect(unconfirmed.stderr).toContain('fix: Add --yes to confirm.')
    await query(url, "insert into contact_messages (name, email, subject, message) values ('x', 'x@example.com', 'gone after reset', 'gone after reset')")
    const reset = await runCli(['db', 'reset', '--yes'], { env })
    expect(reset.code).toBe(0)
    expect(await query(url, "select 1 from contact_messages where subject = 'gone after reset'")).toEqual([])
    expect(await query(url, "select 1 from users where email = 'admin@example.com'")).toHaveLength(1)
  }, 180_000)

  it('seed and reset refuse a database that is not local (exit 6), before connecting', async () => {
    const env = { DATABASE_URL: 'postgresql://app:secret@db.example.net:5432/prod' }
    for (const args of [['db', 'seed'], ['db', 'reset', '--yes']]) {
      const run = await runCli(args, { env })
      expect(run.code).toBe(6)
      expect(run.stderr).toContain('it is not a local database')
      expect(run.stderr).toContain('postgresql://app:***@db.example.net')
      expect(run.stderr).not.toContain('secret')
    }
  })

  it('scripts/seed.mjs (npm run dev, db:start, db:seed) goes through the same shared seed', async () => {
    const url = await createDatabase(inject('cliAdminUrl'))
    expect((await runCli(['db', 'migrate'], { env: { DATABASE_URL: url } })).code).toBe(0)
    const script = `import('./scripts/seed.mjs').then((m) => m.seedDatabase(${JSON.stringify(url)}, { log: () => {} })).then((notes) => console.log(notes.join('|')))`
    const out = await new Promise<string>((resolve, reject) => execFile('node', ['-e', script], { cwd: ROOT }, (err, stdout) => (err ? reject(err) : resolve(stdout))))
    expect(out).toContain('dev users: admin admin@example.com')
    expect(await query(url, "select 1 from users where email = 'user@example.com'")).toHaveLength(1)
  })
})
