import { decodeBase64, encodeBase64 } from '@oslojs/encoding'
import { ConfigError, type Config } from '../platform/env'

/**
 * Two-factor keys at rest (ADR 0100): a TOTP key must be readable by the server to check a code, so it
 * cannot be hashed like a password; it is encrypted with AES-256-GCM under TOTP_ENCRYPTION_KEY, a secret
 * that lives in the Worker's settings and never in the database. A database dump or backup alone then
 * yields no usable key (ASVS 11.4.1 / 6.4.1). The user id is the additional data: a ciphertext copied to
 * another account's row does not decrypt.
 */
const FORMAT = 'v1'
const IV_BYTES = 12

// Outside production only (tests, `npm run dev`, the browser run): public, so nothing encrypted under it is
// secret. Production without TOTP_ENCRYPTION_KEY refuses every two-factor step instead of falling back here.
const DEVELOPMENT_KEY = 'cXVpY2tzY2FsZS1kZXZlbG9wbWVudC10b3RwLWtleSE='

export const MISSING_KEY_MESSAGE = 'TOTP_ENCRYPTION_KEY is missing: set it with `npx wrangler secret put TOTP_ENCRYPTION_KEY` (openssl rand -base64 32).'

export function totpEncryptionKey(config: Pick<Config, 'TOTP_ENCRYPTION_KEY' | 'isProduction'>): Uint8Array {
  if (config.TOTP_ENCRYPTION_KEY) return decodeBase64(config.TOTP_ENCRYPTION_KEY)
  if (config.isProduction) throw new ConfigError(MISSING_KEY_MESSAGE)
  return decodeBase64(DEVELOPMENT_KEY)
}

/** Whether two-factor codes can be offered here: production needs its own encryption key. */
export function twoFactorConfigured(config: Pick<Config, 'TOTP_ENCRYPTION_KEY' | 'isProduction'>): boolean {
  return !config.isProduction || Boolean(config.TOTP_ENCRYPTION_KEY)
}

async function importKey(raw: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt'])
}

export async function encryptTotpKey(secret: Uint8Array, userId: string, encryptionKey: Uint8Array): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(userId) }, await importKey(encryptionKey), secret))
  return `${FORMAT}:${encodeBase64(iv)}:${encodeBase64(sealed)}`
}

/** The key, or an error when the ciphertext was tampered with, moved or sealed under another secret. */
export async function decryptTotpKey(stored: string, userId: string, encryptionKey: Uint8Array): Promise<Uint8Array> {
  const [format, iv, sealed] = stored.split(':')
  if (format !== FORMAT || !iv || !sealed) throw new Error('totp key: unknown format')
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: decodeBase64(iv), additionalData: new TextEncoder().encode(userId) }, await importKey(encryptionKey), decodeBase64(sealed))
  return new Uint8Array(plain)
}
