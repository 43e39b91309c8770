import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'

export const ROOT = path.resolve(__dirname, '../..')
const BIN = path.join(ROOT, 'bin', 'quickscale.mjs')
// `npm run test:coverage` sets QS_CLI_COVERAGE_DIR: each CLI process then counts its own src/ lines
// (test/cli/istanbul/register.mjs, docs/coverage.md). Without it the command line is unchanged.
const COVERAGE = process.env.QS_CLI_COVERAGE_DIR ? ['--import', path.join(ROOT, 'test/cli/istanbul/register.mjs')] : []

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs `quickscale …` as a separate process, as a user would (no in-process shortcuts). */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: undefined, NO_COLOR: '1', ...options.env }
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k]
    const child = execFile('node', [...COVERAGE, BIN, ...args], { cwd: options.cwd ?? ROOT, env: env as NodeJS.ProcessEnv, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) })
    })
    child.stdin?.end(options.input ?? '')
  })
}

/** A fresh database on the test server; returns its URL. */
export async function createDatabase(adminUrl: string, prefix = 'cli'): Promise<string> {
  const name = `${prefix}_${Math.random().toString(36).slice(2, 10)}`
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  await client.query(`create database "${name}"`)
  await client.end()
  return adminUrl.replace(/\/postgres$/, `/${name}`)
}

export async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(sql, params)).rows as T[]
  } finally {
    await client.end()
  }
}

/** A dotenv file in a temp folder, for `check --env-file`. */
export function writeEnvFile(values: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-cli-env-'))
  const file = path.join(dir, 'test.vars')
  fs.writeFileSync(file, Object.entries(values).map(([k, v]) => `${k}=${v}`).join('\n') + '\n')
  return file
}
