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
  // Stripe (docs/billing.md). Unset: billing pages say billing is not configured. STRIPE_API_BASE replaces
  // https://api.stripe.com (the local stand-in in development, test doubles).
  STRIPE_SECRET_KEY: z.union([z.literal(''), z.string().regex(/^(sk|rk)_(test|live)_\S+$/, 'must be a Stripe secret key (sk_test_… or sk_live_…)')]).optional(),
  STRIPE_WEBHOOK_SECRET: z.union([z.literal(''), z.string().regex(/^whsec_\S+$/, 'must be a webhook signing secret (whsec_…)')]).optional(),
  STRIPE_API_BASE: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).optional(),
  // Dev-only: the address of the local WebSocket→TCP bridge. Never set in production.
  NEON_WS_PROXY: z.string().optional(),
})

export type Config = z.infer<typeof configSchema>

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
  return env.ENVIRONMENT === 'development'
}
