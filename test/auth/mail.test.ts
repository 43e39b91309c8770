import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { waitForMail } from '../helpers/mail'
import { PASSWORD, mockHibp, post, randomEmail } from './helpers'

beforeEach(() => { mockHibp() })
afterEach(() => vi.restoreAllMocks())

describe('auth mails through the real queue consumer', () => {
  it('sign-up sends a verify-email mail with an 8-digit code and a link', async () => {
    const email = randomEmail('mail')
    const errors = vi.spyOn(console, 'error')
    expect((await post('/signup', { name: 'Mail Tester', email, password: PASSWORD })).status).toBe(303)
    expect(errors.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('auth email not queued'))).toEqual([])
    const mail = await waitForMail(email, { template: 'verify-email', timeoutMs: 10_000 })
    expect(mail.text).toMatch(/\b\d{8}\b/)
    expect(mail.text).toMatch(/\/verify-email\?token=[a-z2-7]{32}/)
  })
})
