import { spawn } from 'node:child_process'
import { wranglerCommand } from '../process'

// Everything deploy asks of Cloudflare goes through wrangler (its login, its account selection, its
// API error messages), one process per command. The runner is passed in, so the steps can be tested
// against the stand-in wrangler (test/cli/stand-in-wrangler.mjs) or a function.

export interface WranglerRun {
  code: number
  stdout: string
  /** stdout and stderr interleaved, as a person would have seen them. */
  output: string
}

export type WranglerRunner = (args: string[], options?: { echo?: boolean }) => Promise<WranglerRun>

/**
 * `npx wrangler …` (or QUICKSCALE_WRANGLER) in the project folder. `echo` forwards wrangler's output
 * as it comes, indented, for the long commands (deploy, create); listings stay quiet.
 */
export function createWranglerRunner(root: string, env: NodeJS.ProcessEnv = process.env, write: (text: string) => void = (t) => process.stdout.write(t)): WranglerRunner {
  const { command, args: prefix } = wranglerCommand(env)
  return (args, options = {}) =>
    new Promise((resolve) => {
      const child = spawn(command, [...prefix, ...args], { cwd: root, env: { ...env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let output = ''
      let atLineStart = true
      const take = (isStdout: boolean) => (chunk: Buffer) => {
        const text = chunk.toString()
        if (isStdout) stdout += text
        output += text
        if (options.echo) {
          write(text.replace(/[^\n]*\n|[^\n]+$/g, (line) => {
            const out = atLineStart ? `    ${line}` : line
            atLineStart = line.endsWith('\n')
            return out
          }))
        }
      }
      child.stdout.on('data', take(true))
      child.stderr.on('data', take(false))
      child.on('error', (err) => resolve({ code: 127, stdout, output: `${output}${err.message}` }))
      child.on('close', (code) => {
        if (options.echo && !atLineStart) write('\n')
        resolve({ code: code ?? 1, stdout, output })
      })
    })
}

/** The line that says why wrangler failed: its `✘ [ERROR]` line, or the last lines it printed. */
export function describeWranglerFailure(run: WranglerRun): string {
  const plain = run.output.replace(/\u001b\[[0-9;]*m/g, '')
  const error = /✘ \[ERROR\] ([^\n]+)/.exec(plain)?.[1]
  if (error) return error.trim()
  const tail = plain.trim().split('\n').filter((l) => l.trim() !== '').slice(-2).join(' ').trim()
  return tail || `exit code ${run.code}, no output`
}

/**
 * Queue names from `wrangler queues list`: a cli-table3 table whose header row names the columns
 * (id, name, [jurisdiction,] created_on, modified_on, producers, consumers). An empty account prints an
 * empty table.
 */
export function parseQueueList(stdout: string): string[] {
  const rows = stdout.replace(/\u001b\[[0-9;]*m/g, '').split('\n').filter((l) => l.includes('│'))
  const cells = (line: string) => line.split('│').slice(1, -1).map((c) => c.trim())
  const header = rows.findIndex((l) => cells(l).includes('name'))
  if (header < 0) return []
  const column = cells(rows[header]!).indexOf('name')
  return rows.slice(header + 1).map((l) => cells(l)[column] ?? '').filter((name) => name !== '')
}

/** Bucket names from `wrangler r2 bucket list`: blocks of `name:` / `creation_date:` lines. */
export function parseBucketList(stdout: string): string[] {
  return [...stdout.replace(/\u001b\[[0-9;]*m/g, '').matchAll(/^name:\s+(\S+)\s*$/gm)].map((m) => m[1]!)
}

/** Secret names from `wrangler secret list --format json`: `[{ "name": "…", "type": "secret_text" }]`. */
export function parseSecretList(stdout: string): string[] {
  const start = stdout.search(/^\s*\[/m)
  if (start < 0) throw new Error('no JSON list in the output of `wrangler secret list`')
  const list = JSON.parse(stdout.slice(start, stdout.lastIndexOf(']') + 1)) as Array<{ name?: unknown }>
  return list.map((s) => String(s.name))
}

/** `wrangler secret list` on a Worker that was never deployed (nor given a secret) fails with this. */
export function isWorkerNotFound(run: WranglerRun): boolean {
  return /Worker "[^"]*"(?: \(env: [^)]*\))? not found|does not exist on your account|\[code: 10007\]/.test(run.output)
}
