import fs from 'node:fs'
import path from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { CliError, EXIT, describeError } from './errors'

/** The project folder: the nearest parent of the working directory holding wrangler.toml and package.json. */
export function findProjectRoot(start = process.cwd()): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'wrangler.toml')) && fs.existsSync(path.join(dir, 'package.json'))) return dir
    if (dir === path.dirname(dir)) {
      throw new CliError(
        `No QuickScale project here (no wrangler.toml and package.json in ${start} or above).`,
        'Run the command inside your project folder, or create one with `npx quickscale init <dir>`.',
        EXIT.config,
      )
    }
  }
}

export type WranglerConfig = Record<string, unknown> & { name?: string; vars?: Record<string, unknown>; env?: Record<string, WranglerConfig> }

export function readWranglerConfig(root: string): WranglerConfig {
  const file = path.join(root, 'wrangler.toml')
  try {
    return parseToml(fs.readFileSync(file, 'utf8')) as WranglerConfig
  } catch (err) {
    throw new CliError(`wrangler.toml cannot be read: ${describeError(err)}`, 'Fix the TOML syntax at the line named above.', EXIT.config)
  }
}

/** `KEY=value` lines as wrangler reads .dev.vars (dotenv: comments, optional quotes). */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    if (eq <= 0) continue
    const key = line.slice(0, eq).trim()
    let value = line.slice(eq + 1).trim()
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1)
    out[key] = value
  }
  return out
}

export function readDotenv(file: string): Record<string, string> | null {
  return fs.existsSync(file) ? parseDotenv(fs.readFileSync(file, 'utf8')) : null
}

export type Environment = 'development' | 'production'

export interface ResolvedEnv {
  environment: Environment
  /** What the Worker would see: wrangler.toml [vars] overlaid by the secrets source. */
  values: Record<string, string>
  /** Where secrets came from, for messages. */
  secretsSource: string
}

/**
 * The variables the Worker gets in an environment. Development: wrangler.toml [vars] + .dev.vars (what
 * `wrangler dev` does). Production: [vars] (or [env.production.vars]) + the shell environment, because
 * Cloudflare never hands secrets back — CI exports them before `quickscale deploy`, which puts them.
 */
export function resolveEnv(root: string, environment: Environment, config = readWranglerConfig(root), options: { envFile?: string; shell?: NodeJS.ProcessEnv } = {}): ResolvedEnv {
  const shell = options.shell ?? process.env
  const vars = { ...(config.vars ?? {}), ...(config.env?.[environment]?.vars ?? {}) } as Record<string, unknown>
  const values: Record<string, string> = {}
  for (const [k, v] of Object.entries(vars)) values[k] = String(v)
  // --env-file replaces .dev.vars, as it does for `wrangler dev --env-file`.
  if (options.envFile) {
    const file = path.resolve(options.envFile)
    const fromFile = readDotenv(file)
    if (!fromFile) throw new CliError(`${options.envFile} does not exist.`, 'Pass an existing file to --env-file, or leave it out to use .dev.vars.', EXIT.usage)
    Object.assign(values, fromFile)
    if (environment === 'development') return { environment, values, secretsSource: options.envFile }
  }
  if (environment === 'development') {
    const devVars = readDotenv(path.join(root, '.dev.vars')) ?? {}
    Object.assign(values, devVars)
    return { environment, values, secretsSource: '.dev.vars' }
  }
  for (const [k, v] of Object.entries(shell)) if (v !== undefined && /^[A-Z][A-Z0-9_]*$/.test(k) && !(k in values)) values[k] = v
  return { environment, values, secretsSource: 'the shell environment (wrangler secret put in Cloudflare)' }
}
