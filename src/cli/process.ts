import { spawn } from 'node:child_process'

/** The variables every wrangler run gets here: no metrics and no cf.json fetch (offline machines, ADR 0002). */
export function wranglerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', ...extra }
}

/**
 * How to start wrangler: `npx wrangler` unless QUICKSCALE_WRANGLER names another executable (the tests'
 * stand-in wrangler, or a wrangler installed elsewhere). Returns the command and the arguments before
 * wrangler's own.
 */
export function wranglerCommand(env: NodeJS.ProcessEnv = process.env): { command: string; args: string[] } {
  const replacement = env.QUICKSCALE_WRANGLER?.trim()
  return replacement ? { command: replacement, args: [] } : { command: 'npx', args: ['wrangler'] }
}

export interface RunResult {
  code: number
  output: string
}

/** Runs a command and collects its output (stdout and stderr together, in order). */
export function runCommand(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d) => { output += d })
    child.stderr.on('data', (d) => { output += d })
    child.on('error', (err) => resolve({ code: 127, output: `${output}${err.message}` }))
    child.on('close', (code) => resolve({ code: code ?? 1, output }))
    child.stdin.end(options.input ?? '')
  })
}

/** Runs a command with the terminal attached (wrangler tail, wrangler deploy): the user sees it live. */
export function runInteractive(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: 'inherit' })
    child.on('error', () => resolve(127))
    child.on('close', (code) => resolve(code ?? 1))
  })
}
