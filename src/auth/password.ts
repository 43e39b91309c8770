import { constantTimeEqual } from '@oslojs/crypto/subtle'
import { sha1 } from '@oslojs/crypto/sha1'
import { decodeBase64IgnorePadding, encodeBase64NoPadding, encodeHexUpperCase } from '@oslojs/encoding'
import { z } from 'zod'
import { createLogger, type Logger } from '../platform/logger'
import { configOf, type AppContext } from '../platform/types'
import { argon2id, type Argon2Params } from './argon2'

/**
 * Password hashing (ADR 0020): argon2id m=19456 KiB, t=2, p=1 — OWASP's minimum recommendation and
 * ASVS 11.4.2 — about 27 ms inside workerd (bench/password-hash.mjs). Stored as a self-describing PHC
 * string `$argon2id$v=19$m=…,t=…,p=…$salt$hash` so parameters can be raised later and old hashes
 * upgraded on the next successful login (needsRehash).
 */
export const CURRENT_PARAMS: Argon2Params = { memoryKiB: 19_456, iterations: 2, parallelism: 1, hashLength: 32 }

// Checklist 1 (ASVS 6.2.1/6.2.9, Copenhagen): ≥ 8 characters, ≥ 64 accepted, any Unicode incl. spaces,
// no composition rules, no normalisation or truncation. 256 is a DoS bound, far above any real password.
export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 256

export const passwordSchema = z
  .string({ error: 'Enter a password.' })
  .refine((p) => [...p].length >= PASSWORD_MIN, { message: `Use at least ${PASSWORD_MIN} characters.` })
  .refine((p) => [...p].length <= PASSWORD_MAX, { message: `Use at most ${PASSWORD_MAX} characters.` })

const encoder = new TextEncoder()

export async function hashPassword(password: string, params: Argon2Params = CURRENT_PARAMS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const hash = await argon2id(encoder.encode(password), salt, params)
  return `$argon2id$v=19$m=${params.memoryKiB},t=${params.iterations},p=${params.parallelism}$${encodeBase64NoPadding(salt)}$${encodeBase64NoPadding(hash)}`
}

interface ParsedHash {
  params: Argon2Params
  salt: Uint8Array
  hash: Uint8Array
}

const PHC = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,2})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{22,})$/

function parseHash(stored: string): ParsedHash | null {
  const m = PHC.exec(stored)
  if (m === null) return null
  const hash = decodeBase64IgnorePadding(m[5]!)
  return {
    params: { memoryKiB: Number(m[1]), iterations: Number(m[2]), parallelism: Number(m[3]), hashLength: hash.length },
    salt: decodeBase64IgnorePadding(m[4]!),
    hash,
  }
}

// Recomputes with the stored parameters and compares in constant time (checklist 5).
/**
 * False for an account without a password (made through a provider, issue 22), after the same work as a
 * real check: whether an account has a password is not told by timing (checklist 18).
 */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    await burnPasswordCheck(password)
    return false
  }
  const parsed = parseHash(stored)
  if (parsed === null) return false
  const candidate = await argon2id(encoder.encode(password), parsed.salt, parsed.params)
  return constantTimeEqual(candidate, parsed.hash)
}

export function needsRehash(stored: string, params: Argon2Params = CURRENT_PARAMS): boolean {
  const parsed = parseHash(stored)
  if (parsed === null) return true
  const p = parsed.params
  return p.memoryKiB !== params.memoryKiB || p.iterations !== params.iterations || p.parallelism !== params.parallelism || p.hashLength !== params.hashLength
}

// Used when the email is unknown so that the response time does not reveal whether an account exists.
let dummyHash: string | null = null
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= await hashPassword('dummy password for timing equalisation')
  await verifyPassword(dummyHash, password)
}

export const HIBP_DEFAULT_BASE = 'https://api.pwnedpasswords.com'

export interface BreachCheckOptions {
  /** HIBP_API_BASE from config: tests and the browser run point it at a local fake. */
  baseUrl?: string
  fetch?: typeof fetch
  log?: Logger
  /** Development prints one friendly line per isolate instead of one per attempt. */
  quietAfterFirstFailure?: boolean
}

// Per isolate and base URL: a developer offline sees the hint once, not on every sign-up.
const unreachableReported = new Set<string>()

/** The breach check's settings for this request. */
export function breachCheckFor(c: AppContext): BreachCheckOptions {
  const config = configOf(c)
  return { baseUrl: config.HIBP_API_BASE, log: c.get('log'), quietAfterFirstFailure: !config.isProduction }
}

/**
 * Breached-password check (checklist 2, ASVS 6.2.12) with HIBP's k-anonymity range API: only the first
 * five hex characters of SHA-1(password) leave the Worker. Fails open with a log line: an HIBP outage must
 * not stop sign-ups, and the other password rules still apply.
 */
export async function isPasswordBreached(password: string, options: BreachCheckOptions = {}): Promise<boolean> {
  const digest = encodeHexUpperCase(sha1(encoder.encode(password)))
  const prefix = digest.slice(0, 5)
  const suffix = digest.slice(5)
  const base = (options.baseUrl ?? HIBP_DEFAULT_BASE).replace(/\/+$/, '')
  try {
    const res = await (options.fetch ?? fetch)(`${base}/range/${prefix}`, {
      headers: { 'Add-Padding': 'true', 'User-Agent': 'QuickScale-Edge' },
      signal: AbortSignal.timeout(2_500),
    })
    if (!res.ok) throw new Error(`HIBP answered ${res.status}`)
    const body = await res.text()
    for (const line of body.split('\n')) {
      const [hashSuffix, count] = line.trim().split(':')
      if (hashSuffix === suffix && Number(count) > 0) return true
    }
    return false
  } catch (err) {
    if (options.quietAfterFirstFailure && unreachableReported.has(base)) return false
    unreachableReported.add(base)
    const reason = err instanceof Error ? err.message : String(err)
    ;(options.log ?? createLogger()).warn(`hibp unavailable, breach check skipped (${base} unreachable: ${reason}); passwords are still checked for length`)
    return false
  }
}
