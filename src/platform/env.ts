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
  // Two-factor keys are encrypted at rest under this (32 random bytes, base64: `openssl rand -base64 32`;
  // ADR 0100). Unset outside production: a fixed development key. Production refuses two-factor without it.
  TOTP_ENCRYPTION_KEY: z.union([z.literal(''), z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 random bytes in base64 (openssl rand -base64 32)')]).optional(),
  // Sign-in with GitHub / Google (docs/auth.md, src/oauth). A provider without both values is not offered.
  GITHUB_CLIENT_ID: z.string().optional(),
  GITHUB_CLIENT_SECRET: z.string().optional(),
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  // Development and tests only: the local OAuth stand-in (scripts/oauth-standin) that answers in place of
  // GitHub's and Google's endpoints. Ignored in production (src/oauth/providers.ts): a stand-in signs anyone in.
  OAUTH_STANDIN_URL: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]).optional(),
  // Dev-only: the address of the local WebSocket→TCP bridge. Never set in production.
  NEON_WS_PROXY: z.string().optional(),
  // The breached-password range API (docs/auth.md). Tests and the browser run point it at a local fake.
  HIBP_API_BASE: z.url().default('https://api.pwnedpasswords.com'),
  // Optional, comma-separated origins besides APP_URL's that may post forms (a second domain):
  // "https://www.example.com, https://admin.example.com". Never derived from the Host header (issue 9).
  TRUSTED_ORIGINS: z.string().optional().refine(
    (v) => v === undefined || splitOrigins(v).every((o) => URL.canParse(o) && new URL(o).origin === o),
    'must be comma-separated origins such as https://www.example.com (scheme and host, no path)',
  ),
  // "true": one JSON request line of ours per request (method, path, status, ms, request id). Off by
  // default: with [observability] enabled, Workers Logs records every invocation (URL, status, duration,
  // Ray ID = our request id) and wrangler dev prints its own line, so ours doubled log volume and cost
  // (docs/performance.md: a third of the home page's throughput under wrangler dev).
  LOG_REQUESTS: z.enum(['true', 'false']).optional(),
}).transform((vars) => ({
  ...vars,
  logRequests: vars.LOG_REQUESTS === 'true',
  /** APP_URL's origin, parsed once per isolate with the rest (the layout and SEO routes read it per request). */
  appOrigin: new URL(vars.APP_URL).origin,
  isProduction: vars.ENVIRONMENT === 'production',
  isDevelopment: vars.ENVIRONMENT === 'development',
}))

function splitOrigins(value: string): string[] {
  return value.split(',').map((o) => o.trim()).filter((o) => o !== '')
}

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

/**
 * APP_URL's origin plus TRUSTED_ORIGINS: the only origins a state-changing request may come from. In
 * development a loopback APP_URL also answers under its other name (http://127.0.0.1:8787 and
 * http://localhost:8787): a WebAuthn relying-party id cannot be an IP address, so passkeys need the name
 * (issue 22, ADR 0101). Production stays exactly what is configured.
 */
export function trustedOrigins(env: Env): ReadonlySet<string> {
  const config = readConfig(env)
  // Built once per validated configuration (issue 23): the CSRF check asks on every unsafe request.
  let origins = originsCache.get(config)
  if (origins === undefined) {
    const appOrigin = config.appOrigin
    origins = new Set([appOrigin, ...(config.isDevelopment ? loopbackTwin(appOrigin) : []), ...splitOrigins(config.TRUSTED_ORIGINS ?? '')])
    originsCache.set(config, origins)
  }
  return origins
}
const originsCache = new WeakMap<Config, ReadonlySet<string>>()

// The same port under the other loopback name a developer types; nothing for any other host.
function loopbackTwin(origin: string): string[] {
  const url = new URL(origin)
  const twin = ({ '127.0.0.1': 'localhost', localhost: '127.0.0.1' } as Record<string, string>)[url.hostname]
  if (twin === undefined) return []
  url.hostname = twin
  return [url.origin]
}

// Loopback names a developer types, plus the configured ones. A DNS-rebinding page reaches the loopback
// server under its own name, which is in none of these.
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]']

/** Whether the request names one of our configured hosts (the port does not matter). */
export function isConfiguredHost(env: Env, requestUrl: string): boolean {
  const hosts = new Set([...LOOPBACK_HOSTS, ...[...trustedOrigins(env)].map((o) => new URL(o).hostname)])
  return hosts.has(new URL(requestUrl).hostname)
}
