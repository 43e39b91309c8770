import { describe, expect, it } from 'vitest'
import { decodeBase32IgnorePadding, encodeBase64 } from '@oslojs/encoding'
import { ConfigError } from '../../src/platform/env'
import {
  generateRecoveryCodes, hashRecoveryCode, isRecoveryCodeShape, manualEntryKey, matchTotpStep, totpKeyUri, totpStep,
} from '../../src/auth/two-factor-codes'
import { decryptTotpKey, encryptTotpKey, totpEncryptionKey, twoFactorConfigured } from '../../src/auth/two-factor-keys'
import { codeAt } from './two-factor-helpers'

// A fixed instant in the middle of a 30-second step: the window is tested without the wall clock.
const NOW = new Date('2026-03-01T12:00:15Z')
const KEY = new Uint8Array(20).map((_, i) => i + 1)

describe('TOTP window (RFC 6238, ±1 step)', () => {
  it('accepts the codes of the previous, current and next step, and returns which step matched', () => {
    const step = totpStep(NOW)
    expect(matchTotpStep(KEY, codeAt(KEY, NOW, -1), NOW, null)).toBe(step - 1)
    expect(matchTotpStep(KEY, codeAt(KEY, NOW), NOW, null)).toBe(step)
    expect(matchTotpStep(KEY, codeAt(KEY, NOW, 1), NOW, null)).toBe(step + 1)
  })

  it('refuses codes two steps away, other keys’ codes and anything not six digits', () => {
    expect(matchTotpStep(KEY, codeAt(KEY, NOW, -2), NOW, null)).toBeNull()
    expect(matchTotpStep(KEY, codeAt(KEY, NOW, 2), NOW, null)).toBeNull()
    expect(matchTotpStep(new Uint8Array(20).fill(7), codeAt(KEY, NOW), NOW, null)).toBeNull()
    for (const bad of ['', '12345', '1234567', 'abcdef', ' 123456']) expect(matchTotpStep(KEY, bad, NOW, null)).toBeNull()
  })

  it('refuses a code of the last accepted step or earlier (replay), but not a later one', () => {
    const step = totpStep(NOW)
    expect(matchTotpStep(KEY, codeAt(KEY, NOW), NOW, step)).toBeNull()
    expect(matchTotpStep(KEY, codeAt(KEY, NOW, -1), NOW, step)).toBeNull()
    expect(matchTotpStep(KEY, codeAt(KEY, NOW, 1), NOW, step)).toBe(step + 1)
  })

  it('the key URI and the manual-entry text carry the same key', () => {
    const uri = new URL(totpKeyUri('QuickScale', 'ada@example.com', KEY))
    expect(uri.protocol).toBe('otpauth:')
    expect(uri.searchParams.get('period')).toBe('30')
    expect(uri.searchParams.get('digits')).toBe('6')
    expect(decodeBase32IgnorePadding(manualEntryKey(KEY).replaceAll(' ', ''))).toEqual(KEY)
    expect(uri.searchParams.get('secret')).toBe(manualEntryKey(KEY).replaceAll(' ', ''))
  })
})

describe('recovery codes', () => {
  it('ten distinct codes of 50 random bits, hashed the same however they are typed', () => {
    const codes = generateRecoveryCodes()
    expect(codes).toHaveLength(10)
    expect(new Set(codes).size).toBe(10)
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/)
    const code = codes[0]!
    expect(hashRecoveryCode(` ${code.toUpperCase().replace('-', ' - ')} `)).toBe(hashRecoveryCode(code))
    expect(hashRecoveryCode(code)).not.toContain(code.replace('-', ''))
    expect(isRecoveryCodeShape(code)).toBe(true)
    expect(isRecoveryCodeShape('123456')).toBe(false)
  })
})

describe('keys encrypted at rest (ADR 0100)', () => {
  const secret = encodeBase64(crypto.getRandomValues(new Uint8Array(32)))
  const config = { TOTP_ENCRYPTION_KEY: secret, isProduction: true }

  it('round-trips, and the stored text holds neither the key nor its base32 form', async () => {
    const stored = await encryptTotpKey(KEY, 'user-1', totpEncryptionKey(config))
    expect(stored).toMatch(/^v1:/)
    expect(stored).not.toContain(manualEntryKey(KEY).replaceAll(' ', ''))
    expect(await decryptTotpKey(stored, 'user-1', totpEncryptionKey(config))).toEqual(KEY)
  })

  it('does not decrypt under another secret, for another account, or once tampered with', async () => {
    const stored = await encryptTotpKey(KEY, 'user-1', totpEncryptionKey(config))
    const other = totpEncryptionKey({ TOTP_ENCRYPTION_KEY: encodeBase64(crypto.getRandomValues(new Uint8Array(32))), isProduction: true })
    await expect(decryptTotpKey(stored, 'user-1', other)).rejects.toThrow()
    await expect(decryptTotpKey(stored, 'user-2', totpEncryptionKey(config))).rejects.toThrow()
    const flipped = stored.slice(0, -3) + (stored.at(-3) === 'A' ? 'B' : 'A') + stored.slice(-2)
    await expect(decryptTotpKey(flipped, 'user-1', totpEncryptionKey(config))).rejects.toThrow()
  })

  it('production without TOTP_ENCRYPTION_KEY refuses instead of using the development key', () => {
    expect(() => totpEncryptionKey({ TOTP_ENCRYPTION_KEY: undefined, isProduction: true })).toThrow(ConfigError)
    expect(twoFactorConfigured({ TOTP_ENCRYPTION_KEY: '', isProduction: true })).toBe(false)
    expect(twoFactorConfigured({ TOTP_ENCRYPTION_KEY: undefined, isProduction: false })).toBe(true)
    expect(totpEncryptionKey({ TOTP_ENCRYPTION_KEY: undefined, isProduction: false })).toHaveLength(32)
  })
})
