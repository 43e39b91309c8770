import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { waitForMail } from '../helpers/mail'
import { createTestUser, get, login, mockHibp, post, randomEmail, randomIp, sessionCookieFrom } from './helpers'

beforeEach(() => { mockHibp() })
afterEach(() => vi.restoreAllMocks())

/** Every line written to the console while `fn` runs (log, info, warn, error, debug). */
async function captureConsole(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = []
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => { lines.push(args.map(String).join(' ')) })
  }
  await fn()
  return lines
}

// Checklist 34 (ASVS 16.2.5, 16.3.1/16.3.2): auth events are JSON with the request id, and no password,
// session token, verification code or link/reset token ever reaches a log line — whoever writes it
// (route, guard, throttle, mail queue consumer).
describe('auth logging', () => {
  it('a whole account life cycle logs events as JSON with request ids and never a secret', async () => {
    const email = randomEmail('log')
    const password = 'lög pässwörd with spaces 🔐'
    const newPassword = 'a second secret passphrase'
    const wrongPassword = 'my wrong secret attempt'
    const secrets: string[] = [password, newPassword, wrongPassword, encodeURIComponent(password)]
    const ip = randomIp()
    const lines = await captureConsole(async () => {
      const signup = await post('/signup', { name: 'Logged', email, password }, undefined, { headers: { 'cf-connecting-ip': ip } })
      expect(signup.status).toBe(303)
      const cookie = sessionCookieFrom(signup)!
      secrets.push(cookie.split('=')[1]!.split('.')[1]!)
      const verifyMail = await waitForMail(email, { template: 'verify-email', timeoutMs: 10_000 })
      const code = /\b(\d{8})\b/.exec(verifyMail.text)![1]!
      const linkToken = /verify-email\?token=([a-z2-7]{32})/.exec(verifyMail.text)![1]!
      secrets.push(code, linkToken)
      expect((await post('/verify-email', { code: code === '00000000' ? '11111111' : '00000000' }, cookie)).status).toBe(422)
      const verified = await post('/verify-email', { code }, cookie)
      expect(verified.status).toBe(303)
      secrets.push(sessionCookieFrom(verified)!.split('=')[1]!.split('.')[1]!)
      expect((await post('/verify-email', { token: linkToken })).status).toBe(400)

      expect((await post('/forgot-password', { email })).status).toBe(200)
      const resetMail = await waitForMail(email, { template: 'password-reset', timeoutMs: 10_000 })
      const resetToken = /reset-password\?token=([a-z2-7]{32})/.exec(resetMail.text)![1]!
      secrets.push(resetToken)
      expect((await get(`/reset-password?token=${resetToken}`)).status).toBe(200)
      expect((await post('/reset-password', { token: resetToken, password: newPassword })).status).toBe(303)

      expect((await login(email, wrongPassword)).status).toBe(401)
      const ok = await login(email, newPassword)
      expect(ok.status).toBe(303)
      secrets.push(sessionCookieFrom(ok)!.split('=')[1]!.split('.')[1]!)
      expect((await post('/settings/password', { current_password: wrongPassword, new_password: password }, sessionCookieFrom(ok)!)).status).toBe(401)
    })

    const all = lines.join('\n')
    for (const secret of secrets) expect(all, `a log line contains the secret ${secret}`).not.toContain(secret)

    const events = lines.filter((l) => l.includes('"event":"auth.')).map((l) => JSON.parse(l) as Record<string, unknown>)
    const names = events.map((e) => e.event)
    for (const name of ['auth.signup', 'auth.email.verify_failed', 'auth.email.verified', 'auth.password.reset_requested', 'auth.password.reset', 'auth.login.failure', 'auth.login.success', 'auth.access.denied']) {
      expect(names).toContain(name)
    }
    for (const e of events) {
      expect(e.requestId).toEqual(expect.any(String))
      expect(['info', 'warn']).toContain(e.level)
    }
  })
})
