import { generateHOTP, createTOTPKeyURI } from '@oslojs/otp'
import { constantTimeEqual } from '@oslojs/crypto/subtle'
import { encodeBase32LowerCaseNoPadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding'
import { hashSecret } from './tokens'

/**
 * The codes of two-factor sign-in, without storage (RFC 6238 through @oslojs/otp). Codes are checked per
 * 30-second step with `now` passed in, so the window and the replay rule are testable at any instant.
 */
export const TOTP_PERIOD_SECONDS = 30
export const TOTP_DIGITS = 6
// One step either side: a phone's clock a little off, or a code typed as it rolled over (RFC 6238 §5.2).
export const TOTP_WINDOW_STEPS = 1
// 160 bits, the HMAC-SHA1 block RFC 4226 recommends; base32 in the key URI and the manual-entry text.
export const TOTP_KEY_BYTES = 20
export const RECOVERY_CODE_COUNT = 10

export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / (TOTP_PERIOD_SECONDS * 1000))
}

export function generateTotpKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(TOTP_KEY_BYTES))
}

export const isTotpCodeShape = (code: string): boolean => /^\d{6}$/.test(code)

// The longest thing the code field takes: a recovery code typed with spaces and a dash fits, a paste of
// a page does not reach a query.
export const CODE_INPUT_MAX = 20

/** What a code field was sent, trimmed; null when empty or longer than any code. */
export function readCodeInput(value: string | undefined): string | null {
  const code = (value ?? '').trim()
  return code === '' || code.length > CODE_INPUT_MAX ? null : code
}

/**
 * The step whose code `code` is, within ±TOTP_WINDOW_STEPS of now and later than `lastUsedStep` (a code,
 * or an earlier one, that was already accepted is refused: replay), or null. Every candidate is compared
 * in constant time.
 */
export function matchTotpStep(key: Uint8Array, code: string, now: Date, lastUsedStep: number | null): number | null {
  if (!isTotpCodeShape(code)) return null
  const current = totpStep(now)
  const typed = new TextEncoder().encode(code)
  let matched: number | null = null
  for (let step = current - TOTP_WINDOW_STEPS; step <= current + TOTP_WINDOW_STEPS; step++) {
    if (lastUsedStep !== null && step <= lastUsedStep) continue
    if (constantTimeEqual(new TextEncoder().encode(generateHOTP(key, BigInt(step), TOTP_DIGITS)), typed)) matched ??= step
  }
  return matched
}

/** The otpauth:// URI the QR code carries (issuer and account shown in the authenticator app). */
export function totpKeyUri(issuer: string, accountName: string, key: Uint8Array): string {
  return createTOTPKeyURI(issuer, accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS)
}

/** The key as people type it into an app without a camera: base32 in groups of four. */
export function manualEntryKey(key: Uint8Array): string {
  return encodeBase32UpperCaseNoPadding(key).replace(/(.{4})(?=.)/g, '$1 ')
}

/**
 * Ten recovery codes of 50 random bits each (10 base32 characters, shown as xxxxx-xxxxx). They are random,
 * not chosen, so SHA-256 is enough to store them (like session secrets, checklist 7); single use.
 */
export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(7))).slice(0, 10)
    return `${raw.slice(0, 5)}-${raw.slice(5)}`
  })
}

/** What people type, with spaces, dashes or capitals, to the stored form. */
export function normaliseRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s-]/g, '')
}

export function hashRecoveryCode(input: string): string {
  return hashSecret(normaliseRecoveryCode(input))
}

export const isRecoveryCodeShape = (input: string): boolean => /^[a-z2-7]{10}$/.test(normaliseRecoveryCode(input))
