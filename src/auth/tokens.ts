import { constantTimeEqual } from '@oslojs/crypto/subtle'
import { sha256 } from '@oslojs/crypto/sha2'
import { decodeHex, encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding'

/**
 * The auth feature's secrets in one place (Copenhagen Book, "Generating random values"; ADR 0021):
 * random strings from the CSPRNG in lower-case base32, only their SHA-256 stored, compared in constant
 * time. Link tokens (email verification, password reset) carry 160 bits; a session token is
 * `<id>.<secret>`, 120 + 160 bits.
 */
export const LINK_TOKEN_BYTES = 20
export const SESSION_ID_BYTES = 15

export function generateSecureRandomString(bytes: number): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(bytes)))
}

export function generateLinkToken(): string {
  return generateSecureRandomString(LINK_TOKEN_BYTES)
}

export function hashSecret(secret: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)))
}

export function secretMatchesHash(secret: string, storedHash: string): boolean {
  return constantTimeEqual(decodeHex(hashSecret(secret)), decodeHex(storedHash))
}

/**
 * The one shape check: `bytes` random bytes in unpadded base32 are ceil(bytes * 8 / 5) characters of
 * [a-z2-7]. Anything else is refused before it reaches a query (or a log line).
 */
export function hasTokenShape(value: unknown, bytes: number = LINK_TOKEN_BYTES): value is string {
  return typeof value === 'string' && value.length === Math.ceil((bytes * 8) / 5) && /^[a-z2-7]+$/.test(value)
}
