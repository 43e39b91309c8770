import { Readable } from 'node:stream'
import { Command } from 'commander'
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest'
import { registerAdmin } from '../../src/cli/commands/admin'
import { applyMigrations, withDatabase } from '../../src/cli/db'
import { EXIT } from '../../src/cli/errors'
import { ROOT, createDatabase, query, runCli } from './helpers'

// `quickscale admin create / promote` (docs/cli.md) on a database migrated by the CLI's own migration code.
// Each `quickscale` process costs seconds (far more under coverage), so what runs before or without the
// password hash runs in-process; creating an account hashes with the argon2 WebAssembly module, which
// loads through the CLI's own Node hooks (bin/runtime-hooks.mjs): those cases run as processes.

// Auth's entry loads modules that export Durable Object classes: outside workerd, `cloudflare:workers` is
// the load-only stand-in the CLI itself uses (bin/runtime-hooks.mjs).
// @ts-expect-error plain .mjs stand-in, no types
vi.mock('cloudflare:workers', () => import('../../bin/cloudflare-workers-stub.mjs'))

let url: string
const savedUrl = process.env.DATABASE_URL
const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!

beforeAll(async () => {
  url = await createDatabase(inject('cliAdminUrl'), 'cli_admin')
  await withDatabase(url, ({ client }) => applyMigrations(client, ROOT))
  process.env.DATABASE_URL = url
}, 120_000)

afterAll(() => {
  if (savedUrl === undefined) Reflect.deleteProperty(process.env, 'DATABASE_URL')
  else process.env.DATABASE_URL = savedUrl
})

/** `quickscale admin …` with `input` piped in (not a terminal); what it printed, or what it threw. */
async function admin(args: string[], input = '') {
  const program = new Command().exitOverride()
  registerAdmin(program)
  const printed: string[] = []
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { printed.push(String(chunk)); return true })
  Object.defineProperty(process, 'stdin', { value: Readable.from([input]), configurable: true })
  try {
    const error = await program.parseAsync(['node', 'quickscale', 'admin', ...args]).then(() => undefined, (e: unknown) => e)
    return { error, stdout: printed.join('') }
  } finally {
    out.mockRestore()
    Object.defineProperty(process, 'stdin', stdin)
  }
}

describe('quickscale admin create', () => {
  it('without a terminal or --password-stdin, generates a password and shows it once; the account is a verified admin; a second create is refused', async () => {
    const env = { DATABASE_URL: url }
    const run = await runCli(['admin', 'create', 'ops@acme.test', '--name', '  '], { env })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const password = /✔ admin ops@acme\.test created\n {2}password: ([A-Za-z0-9_-]{24})\n/.exec(run.stdout)?.[1]
    expect(password, run.stdout).toBeDefined()
    const [ops] = await query<{ name: string; role: string; verified: boolean; hash: string }>(url, "select name, role, email_verified_at is not null as verified, password_hash as hash from users where email = 'ops@acme.test'")
    // A blank --name falls back to "Administrator"; the hash is argon2id, never the password itself.
    expect(ops).toMatchObject({ name: 'Administrator', role: 'admin', verified: true })
    expect(ops!.hash).toMatch(/^\$argon2id\$/)
    expect(ops!.hash).not.toContain(password)

    const again = await runCli(['admin', 'create', 'ops@acme.test', '--password-stdin'], { env, input: 'a long enough passphrase\n' })
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('An account for ops@acme.test already exists.')
    expect(again.stderr).toContain('fix: Run `npx quickscale admin promote ops@acme.test` to make it an admin.')
  }, 120_000)

  it('reads the password from stdin with --password-stdin, and refuses a short one before anything is written', async () => {
    const short = await admin(['create', 'ann@acme.test', '--password-stdin'], 'short\n')
    expect(short.error).toMatchObject({ message: expect.stringMatching(/^The password is not accepted: /), exitCode: EXIT.usage })
    expect(await query(url, "select 1 from users where email = 'ann@acme.test'")).toEqual([])
    const piped = await runCli(['admin', 'create', 'ann@acme.test', '--name', 'Ann', '--password-stdin'], { env: { DATABASE_URL: url }, input: 'a long enough passphrase\n' })
    expect(piped.code).toBe(0)
    expect(piped.stdout).toBe('✔ admin ann@acme.test created\n')
    expect(await query(url, "select name, role from users where email = 'ann@acme.test'")).toEqual([{ name: 'Ann', role: 'admin' }])
  }, 120_000)

  it('refuses an address that is not one (usage)', async () => {
    expect((await admin(['create', 'not-an-address'])).error).toMatchObject({ message: '"not-an-address" is not a valid email address.', exitCode: EXIT.usage })
  })
})

describe('quickscale admin promote', () => {
  it('promotes an existing account once, and says when there is none', async () => {
    await query(url, "insert into users (email, name) values ('mia@acme.test', 'Mia')")
    expect((await admin(['promote', 'nobody@acme.test'])).error).toMatchObject({ message: 'No account for nobody@acme.test.', exitCode: EXIT.failed })
    expect((await admin(['promote', 'mia@acme.test'])).stdout).toBe('✔ mia@acme.test is now an admin\n')
    expect(await query(url, "select role from users where email = 'mia@acme.test'")).toEqual([{ role: 'admin' }])
    expect((await admin(['promote', 'mia@acme.test'])).stdout).toBe('✔ mia@acme.test is already an admin\n')
  })
})
