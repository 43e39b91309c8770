import { describe, expect, inject, it } from 'vitest'
import { createDatabase, query, runCli } from './helpers'

// `quickscale admin create / promote` (docs/cli.md) as an operator runs them, against a database the
// CLI's own `db migrate` prepared. Each run is a process (a few seconds each): one flow, no more runs than it needs.

describe('quickscale admin', () => {
  it('creates a verified admin (generated password shown once, or read from stdin), refuses a duplicate and a short password, promotes', async () => {
    const url = await createDatabase(inject('cliAdminUrl'), 'cli_admin')
    const env = { DATABASE_URL: url }
    expect((await runCli(['db', 'migrate'], { env })).code).toBe(0)

    // No terminal and no --password-stdin: a generated password, printed once.
    const created = await runCli(['admin', 'create', 'ops@acme.test', '--name', '  '], { env })
    expect(created.stderr).toBe('')
    expect(created.code).toBe(0)
    const password = /password: ([A-Za-z0-9_-]{24})\n/.exec(created.stdout)?.[1]
    expect(password, created.stdout).toBeDefined()
    const [ops] = await query<{ name: string; role: string; verified: boolean; hash: string }>(url, "select name, role, email_verified_at is not null as verified, password_hash as hash from users where email = 'ops@acme.test'")
    // A blank --name falls back to "Administrator"; the hash is argon2id, never the password itself.
    expect(ops).toMatchObject({ name: 'Administrator', role: 'admin', verified: true })
    expect(ops!.hash).toMatch(/^\$argon2id\$/)
    expect(ops!.hash).not.toContain(password)

    const again = await runCli(['admin', 'create', 'ops@acme.test'], { env })
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('An account for ops@acme.test already exists.')
    expect(again.stderr).toContain('npx quickscale admin promote ops@acme.test')

    const short = await runCli(['admin', 'create', 'ann@acme.test', '--password-stdin'], { env, input: 'short\n' })
    expect(short.code).toBe(2)
    expect(short.stderr).toContain('The password is not accepted')
    const piped = await runCli(['admin', 'create', 'ann@acme.test', '--name', 'Ann', '--password-stdin'], { env, input: 'a long enough passphrase\n' })
    expect(piped.code).toBe(0)
    expect(piped.stdout).toContain('✔ admin ann@acme.test created')
    expect(piped.stdout).not.toContain('password:')

    await query(url, "insert into users (email, name) values ('mia@acme.test', 'Mia')")
    const missing = await runCli(['admin', 'promote', 'nobody@acme.test'], { env })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('No account for nobody@acme.test.')
    const promoted = await runCli(['admin', 'promote', 'mia@acme.test'], { env })
    expect(promoted.stdout).toContain('✔ mia@acme.test is now an admin')
    expect(await query(url, "select role from users where email = 'mia@acme.test'")).toEqual([{ role: 'admin' }])
  }, 180_000)
})
