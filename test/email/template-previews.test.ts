import { describe, expect, it } from 'vitest'
import { templates } from '../../templates'
import { generateVerificationCode, VERIFICATION_TTL_MINUTES } from '../../src/auth/email-verification'
import { RESET_TTL_MINUTES } from '../../src/auth/password-reset'

// Issue 9, "Also": the dev outbox's template gallery (/dev/mail/templates) shows each template with its
// sample props; they must look like the mail the app really sends, or the gallery misleads.
describe('template previews match the real mail', () => {
  it('verify-email: an 8-digit code and the real lifetime', () => {
    const preview = templates['verify-email'].preview
    expect(preview.code).toMatch(/^\d{8}$/)
    expect(generateVerificationCode()).toMatch(/^\d{8}$/)
    expect(preview.expiresInMinutes).toBe(VERIFICATION_TTL_MINUTES)
  })

  it('verify-email refuses a code of another format', () => {
    const schema = templates['verify-email'].props
    expect(schema.safeParse({ ...templates['verify-email'].preview, code: 'K7Q2-9XMP' }).success).toBe(false)
  })

  it('password-reset: the real lifetime', () => {
    expect(templates['password-reset'].preview.expiresInMinutes).toBe(RESET_TTL_MINUTES)
  })
})
