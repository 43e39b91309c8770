import { afterEach, describe, expect, it, vi } from 'vitest'
import { CURRENT_PARAMS, hashPassword, isPasswordBreached, needsRehash, passwordSchema, verifyPassword } from '../../src/auth/password'
import { mockHibp } from './helpers'

afterEach(() => vi.restoreAllMocks())

describe('password hashing (checklist 4, 5)', () => {
  it('stores a self-describing argon2id PHC string with OWASP parameters and a random salt', async () => {
    const a = await hashPassword('correct horse battery staple')
    const b = await hashPassword('correct horse battery staple')
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
    expect(a).not.toBe(b)
    expect(await verifyPassword(a, 'correct horse battery staple')).toBe(true)
    expect(await verifyPassword(a, 'correct horse battery stapl')).toBe(false)
  })

  it('is compatible with the reference argon2 encoding (RFC 9106 style test vector from the C library)', async () => {
    // Produced by the @phi-ag/argon2 wrapper (the C library's own encoder) for an ASCII password.
    const { default: Argon2 } = await import('@phi-ag/argon2')
    const { default: wasm } = await import('@phi-ag/argon2/argon2.wasm')
    const lib = new Argon2(await WebAssembly.instantiate(wasm))
    const encoded = lib.hash('password123', { memoryCost: 19456, timeCost: 2, parallelism: 1, hashLength: 32 }).encoded
    expect(await verifyPassword(encoded, 'password123')).toBe(true)
    expect(needsRehash(encoded)).toBe(false)
  })

  it('does not truncate or normalise Unicode passwords (checklist 1)', async () => {
    const pw = 'pässwörd ünïcödé 🔐 with spaces'
    const stored = await hashPassword(pw)
    expect(await verifyPassword(stored, pw)).toBe(true)
    // Differs only in the last character: a length-in-code-units bug would accept it.
    expect(await verifyPassword(stored, 'pässwörd ünïcödé 🔐 with spaceX')).toBe(false)
    // NFC vs NFD forms are different passwords (no normalisation).
    expect(await verifyPassword(await hashPassword('café-café-café'), 'cafe\u0301-café-café')).toBe(false)
    const long = 'x'.repeat(200) + 'y'
    expect(await verifyPassword(await hashPassword(long), 'x'.repeat(200) + 'z')).toBe(false)
  })

  it('flags old parameters and malformed hashes for rehash', async () => {
    const weak = await hashPassword('some password', { ...CURRENT_PARAMS, memoryKiB: 4096, iterations: 1 })
    expect(await verifyPassword(weak, 'some password')).toBe(true)
    expect(needsRehash(weak)).toBe(true)
    expect(needsRehash(await hashPassword('some password'))).toBe(false)
    expect(await verifyPassword('plaintext', 'plaintext')).toBe(false)
  })
})

describe('argon2 inside workerd (checklist 4)', () => {
  it('runs in the real Workers runtime, where run-time WebAssembly compilation is refused but our imported module works', async () => {
    expect(navigator.userAgent).toBe('Cloudflare-Workers')
    // The smallest valid module: workerd refuses to compile it from bytes (why hash-wasm cannot be used)…
    const bytes = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00])
    await expect((WebAssembly as unknown as { compile: (b: Uint8Array) => Promise<unknown> }).compile(bytes)).rejects.toThrow(/disallowed/i)
    // …while the argon2 .wasm imported as a module hashes with the production parameters.
    const stored = await hashPassword('inside workerd')
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(await verifyPassword(stored, 'inside workerd')).toBe(true)
  })

  it('no PBKDF2 anywhere in src with more than 100,000 iterations (the production cap that local workerd does not enforce)', () => {
    const sources = (import.meta as unknown as { glob: (p: string, o: object) => unknown }).glob('../../src/**/*.{ts,tsx}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>
    expect(Object.keys(sources).length).toBeGreaterThan(20)
    for (const [file, text] of Object.entries(sources)) {
      if (!/pbkdf2/i.test(text)) continue
      for (const m of text.matchAll(/iterations\s*:\s*([\d_]+)/g)) expect(Number(m[1]!.replaceAll('_', '')), file).toBeLessThanOrEqual(100_000)
    }
  })
})

describe('password policy (checklist 1)', () => {
  it.each([
    ['1234567', false], ['12345678', true], ['        ', true], ['ü'.repeat(8), true], ['a'.repeat(64), true], ['🔐'.repeat(7), false],
    ['a'.repeat(256), true], ['a'.repeat(10_000), false],
  ])('%#: accepts %s → %s', (pw, ok) => {
    expect(passwordSchema.safeParse(pw).success).toBe(ok)
  })
})

describe('breached password check (checklist 2)', () => {
  it('sends only a 5-character SHA-1 prefix and detects a listed suffix', async () => {
    const { calls } = mockHibp(['password1234'])
    expect(await isPasswordBreached('password1234')).toBe(true)
    expect(await isPasswordBreached('a perfectly fine passphrase')).toBe(false)
    expect(calls).toHaveLength(2)
    for (const url of calls) expect(url).toMatch(/^https:\/\/api\.pwnedpasswords\.com\/range\/[0-9A-F]{5}$/)
    expect(calls.join()).not.toContain('password1234')
  })

  it('fails open with a log line when HIBP is unreachable', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const failing = vi.fn(async () => { throw new TypeError('network down') }) as unknown as typeof fetch
    expect(await isPasswordBreached('password1234', { fetch: failing })).toBe(false)
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('hibp unavailable'))
  })

  it('asks the base URL it is given (HIBP_API_BASE), so tests and the browser run use a local fake', async () => {
    const urls: string[] = []
    const fake = vi.fn(async (input: RequestInfo | URL) => {
      urls.push(String(input))
      return new Response('0018A45C4D1DEF81644B54AB7F969B88D65:1', { status: 200 })
    }) as unknown as typeof fetch
    expect(await isPasswordBreached('password1234', { baseUrl: 'http://127.0.0.1:9/hibp/', fetch: fake })).toBe(false)
    expect(urls).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:9\/hibp\/range\/[0-9A-F]{5}$/)])
  })

  it('a non-200 answer fails open too', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const unavailable = vi.fn(async () => new Response('busy', { status: 503 })) as unknown as typeof fetch
    expect(await isPasswordBreached('password1234', { baseUrl: 'http://127.0.0.1:9/busy', fetch: unavailable })).toBe(false)
  })

  it('outside production an unreachable check says so in one friendly line, not one per attempt', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const failing = vi.fn(async () => { throw new TypeError('getaddrinfo ENOTFOUND') }) as unknown as typeof fetch
    const options = { baseUrl: 'http://127.0.0.1:9/offline', fetch: failing, quietAfterFirstFailure: true }
    expect(await isPasswordBreached('first attempt pass', options)).toBe(false)
    expect(await isPasswordBreached('second attempt pass', options)).toBe(false)
    const lines = warn.mock.calls.map((c) => String(c[0]))
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', msg: expect.stringMatching(/^hibp unavailable, breach check skipped \(http:\/\/127\.0\.0\.1:9\/offline unreachable/) })
    expect(lines[0]).not.toMatch(/\bat \S+:\d+/)
  })
})
