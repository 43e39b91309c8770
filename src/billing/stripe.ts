import type Stripe from 'stripe'
import { importSeparately } from '../platform/separate-module'

/**
 * Stripe on Workers: the SDK's fetch HTTP client and SubtleCrypto provider (no Node http/crypto), built per
 * request like the database handle (no module-level client). STRIPE_API_BASE (e.g. http://127.0.0.1:12111)
 * points the SDK at the local stand-in or a test double instead of api.stripe.com.
 */
export interface StripeConfig {
  secretKey: string
  webhookSecret: string
  apiBase?: string
}

export function readStripeConfig(env: Env): StripeConfig | null {
  const secretKey = env.STRIPE_SECRET_KEY?.trim()
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET?.trim()
  if (!secretKey || !webhookSecret) return null
  return { secretKey, webhookSecret, apiBase: env.STRIPE_API_BASE?.trim() || undefined }
}

/** Billing pages label themselves "Test mode" unless the key is a live one. */
export function isTestMode(config: StripeConfig): boolean {
  return !config.secretKey.startsWith('sk_live_') && !config.secretKey.startsWith('rk_live_')
}

export function isLocalStandin(config: StripeConfig): boolean {
  return config.apiBase !== undefined && /^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(config.apiBase)
}

// Loaded on first use, from a module uploaded beside the bundle (ADR 0104): a cold start that never calls
// Stripe (most of them) does not compile its 240 KiB; in vitest, where modules load one by one, pages that
// never call Stripe need not wait for its hundreds of modules.
const loadSdk = () => importSeparately<typeof import('stripe')>('stripe.js', 'stripe').then((m) => m.default)

export async function createStripeClient(config: StripeConfig): Promise<Stripe> {
  const Stripe = await loadSdk()
  const base = config.apiBase ? new URL(config.apiBase) : null
  return new Stripe(config.secretKey, {
    // Looked up at call time, so a test's vi.spyOn(globalThis, 'fetch') sees the SDK's requests.
    httpClient: Stripe.createFetchHttpClient((input, init) => fetch(input, init)),
    // One retry (the SDK sends idempotency keys on POST, so a retried create is not doubled), and a
    // timeout well under the Workers request limit: a slow Stripe gives the user a message, not a hang.
    maxNetworkRetries: 1,
    timeout: 10_000,
    appInfo: { name: 'QuickScale Edge' },
    ...(base ? { host: base.hostname, port: base.port || (base.protocol === 'https:' ? '443' : '80'), protocol: base.protocol.replace(':', '') as 'http' | 'https' } : {}),
  })
}

export async function createCryptoProvider() {
  return (await loadSdk()).createSubtleCryptoProvider()
}

/** The SDK's error classes set `type` (StripeConnectionError, StripeAPIError, StripeCardError …). */
function stripeErrorOf(err: unknown): { type: string; statusCode?: number } | null {
  const type = (err as { type?: unknown } | null)?.type
  return typeof type === 'string' && type.startsWith('Stripe') ? (err as { type: string; statusCode?: number }) : null
}

export const isStripeError = (err: unknown): boolean => stripeErrorOf(err) !== null

/** An error worth a clear "Stripe could not be reached" message rather than a 500. */
export function isStripeUnavailable(err: unknown): boolean {
  const e = stripeErrorOf(err)
  return e !== null && (e.type === 'StripeConnectionError' || e.type === 'StripeAPIError' || (e.statusCode ?? 0) >= 500)
}
