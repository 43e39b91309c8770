import { onTestFinished, vi } from 'vitest'

/**
 * Stops the clock for the rest of the test: every `new Date()` (the route handlers' request time) reads
 * the same instant until the test ends. For throttle tests: the ladders' first delays are a second, and on
 * a loaded machine two password checks can be a second apart, which would let through an attempt the test
 * expects to wait. Move time explicitly (e.g. by ageing the throttle's state), never by sleeping.
 */
export function stopClock(at: Date = new Date()): void {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(at)
  onTestFinished(() => { vi.useRealTimers() })
}
