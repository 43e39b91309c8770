import { execFile } from 'node:child_process'
import path from 'node:path'
import pg from 'pg'
import { describe, expect, inject, it } from 'vitest'

// `quickscale admin create` against the database the real `wrangler dev` uses, then a real login against
// it: the CLI's hashing and rows are exactly what the app accepts. Each CLI run loads auth's
// entry through tsx (seconds of CPU on a busy machine), hence the long timeouts.
const baseUrl = inject('baseUrl')
const databaseUrl = inject('e2eDatabaseUrl')
const BIN = path.resolve(__dirname, '../../bin/quickscale.mjs')

function quickscale(args: string[], input = '', env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('node', [BIN, ...args], { env: { ...process.env, DATABASE_URL: databaseUrl, ...env }, timeout: 240_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) })
    })
    child.stdin?.end(input)
  })
}

/**
 * The login form's POST, as the browser sends it (same-origin `Origin`, the CSRF rule), then /admin with the
 * session it set: the CLI's hash and role are what the running app accepts. Over HTTP rather than
 * Chromium: the page itself is the page tour's and the login's own tests' to look at (issue 21: test time).
 */
async function logInAndOpenAdmin(email: string, password: string) {
  const login = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: baseUrl, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }),
  })
  expect(login.status, `login as ${email}`).toBe(303)
  expect(login.headers.get('location')).toBe('/dashboard')
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const res = await fetch(`${baseUrl}/admin`, { headers: { cookie }, redirect: 'manual' })
  const heading = /<h1\b[^>]*>([\s\S]*?)<\/h1>/.exec(await res.text())?.[1]?.replace(/<[^>]+>/g, '').trim()
  return { status: res.status, heading }
}

describe('quickscale admin create → log in', () => {
  it('creates an admin with a generated password, printed once, that logs in to /admin', async () => {
    const email = `cli-admin-${Date.now()}@example.com`
    const run = await quickscale(['admin', 'create', email, '--name', 'Ops'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const password = /password: (\S+)/.exec(run.stdout)?.[1]
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/)
    const admin = await logInAndOpenAdmin(email, password!)
    expect(admin.status).toBe(200)
    expect(admin.heading).toMatch(/admin/i)

    const again = await quickscale(['admin', 'create', email])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(`fix: Run \`npx quickscale admin promote ${email}\``)
  }, 180_000)

  it('takes a password from stdin, and promote turns an existing account into an admin', async () => {
    const email = `cli-stdin-${Date.now()}@example.com`
    const created = await quickscale(['admin', 'create', email, '--password-stdin'], 'a long enough passphrase\n')
    expect(created.code).toBe(0)
    expect(created.stdout).not.toContain('password:')
    // Made an ordinary account, as if it had signed up, so that promote has something to do.
    const client = new pg.Client({ connectionString: databaseUrl })
    await client.connect()
    await client.query("update users set role = 'user' where email = $1", [email])
    await client.end()
    expect((await logInAndOpenAdmin(email, 'a long enough passphrase')).status).toBe(403)

    const promoted = await quickscale(['admin', 'promote', email])
    expect(promoted.code).toBe(0)
    expect(promoted.stdout).toContain(`${email} is now an admin`)
    expect((await logInAndOpenAdmin(email, 'a long enough passphrase')).status).toBe(200)
    expect((await quickscale(['admin', 'promote', email])).stdout).toContain('is already an admin')
    const missing = await quickscale(['admin', 'promote', `nobody-${Date.now()}@example.com`])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('No account for')
  }, 180_000)

  it('crawl signs in as that admin and finds every reachable page healthy', async () => {
    const email = `cli-crawl-${Date.now()}@example.com`
    const password = 'crawler passphrase for the test'
    expect((await quickscale(['admin', 'create', email, '--password-stdin'], password)).code).toBe(0)
    const run = await quickscale(['crawl', '--url', baseUrl, '--email', email], '', { QUICKSCALE_PASSWORD: password })
    // The crawl's report is on stdout: put it in the failure message so a CI log says which page failed.
    expect(run.stderr, run.stdout).toBe('')
    expect(run.code, run.stdout).toBe(0)
    for (const path of ['/', '/dashboard', '/settings', '/admin', '/contact']) expect(run.stdout).toContain(`200 ${path}\n`)
    expect(run.stdout).toContain('✔ no problems found')
    expect(run.stdout).not.toContain('/logout')
  }, 300_000)
})
