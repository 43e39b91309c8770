import { DurableObject } from 'cloudflare:workers'

/**
 * Exact auth throttling in a Durable Object (checklist 23, 24; ADR 0023). One object per key
 * (`ip:<ip>`, `acct:<email>`, `verify:<userId>`, `resend:<userId>`, `reset:<email>` …), so every
 * decision for a key is made by a single thread. State lives in the synchronous SQLite-backed KV
 * (`ctx.storage.kv`): read and write happen in the same synchronous turn with no `await`, let alone a
 * `fetch()`, in between — concurrent attempts cannot both read the old counter.
 *
 * The Workers Rate Limiting binding is "permissive, eventually consistent" and per location, so it is
 * not used for this.
 */
export interface ThrottleDecision {
  allowed: boolean
  retryAfterSeconds: number
}

interface DelayState {
  index: number
  updatedAt: number
}

// A key that has been quiet this long starts over at the bottom of its ladder: old typos must not slow a
// shared address (office NAT) for ever. Longer than the top delay, so waiting it out gains an attacker
// nothing: a fresh ladder allows 7 attempts in its first minute, the top step 12 an hour (ADR 0023).
export const DELAY_FORGET_AFTER_MS = 60 * 60 * 1000

interface BucketState {
  count: number
  windowStart: number
}

export class AuthThrottle extends DurableObject<Env> {
  /**
   * Increasing delays (Lucia's Throttler): attempt n+1 is allowed only `delays[n]` seconds after
   * attempt n. The caller consumes before checking the password and resets on success.
   */
  consumeDelay(delaysSeconds: number[], now: number): ThrottleDecision {
    const kv = this.ctx.storage.kv
    const state = kv.get<DelayState>('delay')
    if (state === undefined || now - state.updatedAt >= DELAY_FORGET_AFTER_MS) {
      kv.put('delay', { index: 0, updatedAt: now })
      return { allowed: true, retryAfterSeconds: 0 }
    }
    const waitUntil = state.updatedAt + (delaysSeconds[state.index] ?? delaysSeconds.at(-1) ?? 0) * 1000
    if (now < waitUntil) return { allowed: false, retryAfterSeconds: Math.ceil((waitUntil - now) / 1000) }
    kv.put('delay', { index: Math.min(state.index + 1, delaysSeconds.length - 1), updatedAt: now })
    return { allowed: true, retryAfterSeconds: 0 }
  }

  /**
   * Gives back the slot a successful attempt consumed. Used for the IP ladder: a success must not push a
   * shared address up the ladder, but — unlike reset() — it cannot wipe the failures recorded before it,
   * so an attacker cannot clear the IP throttle by logging into an account of their own between guesses.
   */
  refundDelay(): void {
    const kv = this.ctx.storage.kv
    const state = kv.get<DelayState>('delay')
    if (state === undefined) return
    if (state.index === 0) kv.delete('delay')
    else kv.put('delay', { index: state.index - 1, updatedAt: state.updatedAt })
  }

  /** Fixed window: at most `max` events per `windowSeconds` (code attempts, resend, reset mails). */
  consumeBucket(max: number, windowSeconds: number, now: number): ThrottleDecision {
    const kv = this.ctx.storage.kv
    const state = kv.get<BucketState>('bucket')
    if (state === undefined || now - state.windowStart >= windowSeconds * 1000) {
      kv.put('bucket', { count: 1, windowStart: now })
      return { allowed: true, retryAfterSeconds: 0 }
    }
    if (state.count >= max) {
      return { allowed: false, retryAfterSeconds: Math.ceil((state.windowStart + windowSeconds * 1000 - now) / 1000) }
    }
    kv.put('bucket', { count: state.count + 1, windowStart: state.windowStart })
    return { allowed: true, retryAfterSeconds: 0 }
  }

  reset(): void {
    this.ctx.storage.kv.delete('delay')
    this.ctx.storage.kv.delete('bucket')
  }
}

// Policies are declared here, beside the class, and used by name at the call sites.
export const LOGIN_ACCOUNT_DELAYS = [0, 1, 2, 4, 8, 16, 30, 60, 180, 300]
// An address shared by many people (office NAT) gets five free attempts before the same ladder.
export const LOGIN_IP_DELAYS = [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 30, 60, 180, 300]
export const VERIFY_CODE_LIMIT = { max: 10, windowSeconds: 60 * 60 }
export const VERIFY_RESEND_LIMIT = { max: 3, windowSeconds: 10 * 60 }
export const RESET_REQUEST_LIMIT = { max: 3, windowSeconds: 10 * 60 }
export const RESET_REQUEST_IP_LIMIT = { max: 20, windowSeconds: 10 * 60 }

function stub(env: Env, key: string) {
  return env.AUTH_THROTTLE.get(env.AUTH_THROTTLE.idFromName(key))
}

export async function consumeDelays(env: Env, keys: string[], delays: (key: string) => number[], now: Date): Promise<ThrottleDecision> {
  const decisions = await Promise.all(keys.map((key) => stub(env, key).consumeDelay(delays(key), now.getTime())))
  return worst(decisions)
}

export async function consumeBucket(env: Env, key: string, limit: { max: number; windowSeconds: number }, now: Date): Promise<ThrottleDecision> {
  return stub(env, key).consumeBucket(limit.max, limit.windowSeconds, now.getTime())
}

export async function resetThrottle(env: Env, keys: string[]): Promise<void> {
  await Promise.all(keys.map((key) => stub(env, key).reset()))
}

export async function refundDelay(env: Env, key: string): Promise<void> {
  await stub(env, key).refundDelay()
}

function worst(decisions: ThrottleDecision[]): ThrottleDecision {
  const blocked = decisions.filter((d) => !d.allowed)
  if (blocked.length === 0) return { allowed: true, retryAfterSeconds: 0 }
  return { allowed: false, retryAfterSeconds: Math.max(...blocked.map((d) => d.retryAfterSeconds)) }
}

export function throttleMessage(retryAfterSeconds: number): string {
  return `Too many attempts. Try again in ${retryAfterSeconds} ${retryAfterSeconds === 1 ? 'second' : 'seconds'}.`
}
