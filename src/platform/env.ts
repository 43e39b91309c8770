import { z } from 'zod'

// Validated once per isolate (env arrives per request on Workers, so the first request does it).
// A missing or malformed variable fails loudly with its name instead of a confusing crash later.
const configSchema = z.object({
  ENVIRONMENT: z.enum(['development', 'test', 'production']),
  APP_NAME: z.string().min(1),
  APP_URL: z.url(),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string'),
  ADMIN_EMAIL: z.email(),
  EMAIL_FROM: z.string().min(3),
  // Unset or empty: mail goes to the local outbox (development and test only; docs/email.md).
  RESEND_API_KEY: z.string().optional(),
  // Dev-only: the address of the local WebSocket→TCP bridge. Never set in production.
  NEON_WS_PROXY: z.string().optional(),
  // The breached-password range API (docs/auth.md). Tests and the browser run point it at a local fake.
  HIBP_API_BASE: z.url().default('https://api.pwnedpasswords.com'),
}).transform((vars) => ({
  ...vars,
  isProduction: vars.ENVIRONMENT === 'production',
  isDevelopment: vars.ENVIRONMENT === 'development',
}))

export type Config = z.output<typeof configSchema>

export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

const cache = new WeakMap<object, Config>()

export function readConfig(env: Env): Config {
  const cached = cache.get(env)
  if (cached) return cached
  const parsed = configSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(root)'
      const value = (env as unknown as Record<string, unknown>)[name]
      return value === undefined || value === ''
        ? `${name} is missing`
        : `${name} is invalid: ${issue.message}`
    })
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}. Set it in wrangler.toml [vars], .dev.vars or with \`wrangler secret put\`.`)
  }
  cache.set(env, parsed.data)
  return parsed.data
}

export function isDevelopment(env: Env): boolean {
  return readConfig(env).isDevelopment
}
