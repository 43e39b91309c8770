import { env } from 'cloudflare:workers'
import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { LOGIN_ACCOUNT_DELAYS, throttleMessage, type AuthThrottle } from '../../src/auth/login-throttle'

function stubFor(key: string) {
  return env.AUTH_THROTTLE.get(env.AUTH_THROTTLE.idFromName(key))
}

describe('AuthThrottle Durable Object (checklist 23, 24)', () => {
  it('applies increasing delays and resets on success', async () => {
    await runInDurableObject(stubFor(`acct:${crypto.randomUUID()}`), (instance: AuthThrottle) => {
      const t0 = 1_000_000
      expect(instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, t0).allowed).toBe(true) // first attempt
      expect(instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, t0).allowed).toBe(true) // delay[0] = 0 s
      expect(instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, t0 + 500)).toEqual({ allowed: false, retryAfterSeconds: 1 })
      expect(instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, t0 + 1000).allowed).toBe(true) // after 1 s
      expect(instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, t0 + 2000)).toEqual({ allowed: false, retryAfterSeconds: 1 })
      expect(instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, t0 + 3000).allowed).toBe(true) // after 2 s
      expect(instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, t0 + 3000)).toEqual({ allowed: false, retryAfterSeconds: 4 })
      instance.reset()
      expect(instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, t0 + 3001).allowed).toBe(true)
      expect(instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, t0 + 3001).allowed).toBe(true)
    })
  })

  it('caps the delay at the last step (300 s), never a permanent lockout', async () => {
    await runInDurableObject(stubFor(`acct:${crypto.randomUUID()}`), (instance: AuthThrottle) => {
      let now = 0
      for (let i = 0; i < 30; i++) {
        const d = instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, now)
        if (!d.allowed) now += d.retryAfterSeconds * 1000
        else now += 1
      }
      const blocked = instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, now)
      expect(blocked.allowed).toBe(false)
      expect(blocked.retryAfterSeconds).toBeLessThanOrEqual(300)
      expect(instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, now + 300_000).allowed).toBe(true)
    })
  })

  it('counts concurrent attempts exactly', async () => {
    const stub = stubFor(`acct:${crypto.randomUUID()}`)
    const results = await Promise.all(Array.from({ length: 20 }, () => stub.consumeDelay(LOGIN_ACCOUNT_DELAYS)))
    // Delays [0, 1, …]: the first attempt and the 0-second follow-up pass; everything else waits.
    expect(results.filter((r) => r.allowed)).toHaveLength(2)
  })

  it('fixed-window buckets allow exactly max per window, also concurrently', async () => {
    const stub = stubFor(`verify:${crypto.randomUUID()}`)
    const results = await Promise.all(Array.from({ length: 25 }, () => stub.consumeBucket(10, 3600)))
    expect(results.filter((r) => r.allowed)).toHaveLength(10)
    await runInDurableObject(stubFor(`resend:${crypto.randomUUID()}`), (instance: AuthThrottle) => {
      for (let i = 0; i < 3; i++) expect(instance.consumeBucket(3, 600, 0).allowed).toBe(true)
      expect(instance.consumeBucket(3, 600, 60_000)).toEqual({ allowed: false, retryAfterSeconds: 540 })
      expect(instance.consumeBucket(3, 600, 600_000).allowed).toBe(true)
    })
  })

  it('says how long to wait', () => {
    expect(throttleMessage(30)).toBe('Too many attempts. Try again in 30 seconds.')
  })
})
