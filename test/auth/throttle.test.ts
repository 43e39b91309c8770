import { env } from 'cloudflare:workers'
import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { DELAY_FORGET_AFTER_MS, LOGIN_ACCOUNT_DELAYS, LOGIN_IP_DELAYS, throttleMessage, type AuthThrottle } from '../../src/auth/auth-throttle'

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
    // One instant for all 20 (the clock is the caller's): on a loaded machine the wall clock could pass the
    // 1-second step while they are still arriving, and let a third through.
    const t = Date.UTC(2030, 0, 1)
    const results = await Promise.all(Array.from({ length: 20 }, () => stub.consumeDelay(LOGIN_ACCOUNT_DELAYS, t)))
    // Delays [0, 1, …]: the first attempt and the 0-second follow-up pass; everything else waits.
    expect(results.filter((r) => r.allowed)).toHaveLength(2)
  })

  it('fixed-window buckets allow exactly max per window, also concurrently', async () => {
    const stub = stubFor(`verify:${crypto.randomUUID()}`)
    const results = await Promise.all(Array.from({ length: 25 }, () => stub.consumeBucket(10, 3600, Date.UTC(2030, 0, 1))))
    expect(results.filter((r) => r.allowed)).toHaveLength(10)
    await runInDurableObject(stubFor(`resend:${crypto.randomUUID()}`), (instance: AuthThrottle) => {
      for (let i = 0; i < 3; i++) expect(instance.consumeBucket(3, 600, 0).allowed).toBe(true)
      expect(instance.consumeBucket(3, 600, 60_000)).toEqual({ allowed: false, retryAfterSeconds: 540 })
      expect(instance.consumeBucket(3, 600, 600_000).allowed).toBe(true)
    })
  })

  it('refundDelay gives back one slot only: earlier failures stay on the ladder', async () => {
    await runInDurableObject(stubFor(`ip:${crypto.randomUUID()}`), (instance: AuthThrottle) => {
      const t = 5_000_000
      for (let i = 0; i < 6; i++) expect(instance.consumeDelay(LOGIN_IP_DELAYS, t).allowed).toBe(true)
      expect(instance.consumeDelay(LOGIN_IP_DELAYS, t).allowed).toBe(false) // 7th waits 1 s
      instance.refundDelay() // a success among them gives its own slot back, not all of them
      expect(instance.consumeDelay(LOGIN_IP_DELAYS, t).allowed).toBe(true)
      expect(instance.consumeDelay(LOGIN_IP_DELAYS, t).allowed).toBe(false)
    })
  })

  it('forgets a ladder after an hour of quiet, never earlier', async () => {
    await runInDurableObject(stubFor(`acct:${crypto.randomUUID()}`), (instance: AuthThrottle) => {
      // Climb to the top of the ladder, each attempt as early as it is allowed.
      let now = 0
      for (let allowed = 0; allowed <= LOGIN_ACCOUNT_DELAYS.length;) {
        const d = instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, now)
        if (d.allowed) allowed++
        else now += d.retryAfterSeconds * 1000
      }
      // At the top of the ladder: the next attempt waits 300 s…
      expect(instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, now + 299_000).allowed).toBe(false)
      // …and after an hour of silence the ladder starts at the bottom again (two quick attempts pass).
      const later = now + DELAY_FORGET_AFTER_MS
      expect(instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, later).allowed).toBe(true)
      expect(instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, later).allowed).toBe(true)
      expect(instance.consumeDelay(LOGIN_ACCOUNT_DELAYS, later).allowed).toBe(false)
    })
  })

  it('says how long to wait', () => {
    expect(throttleMessage(30)).toBe('Too many attempts. Try again in 30 seconds.')
  })
})
