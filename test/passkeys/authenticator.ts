// A software WebAuthn authenticator for the workers tests: an ES256 key made with WebCrypto, attestation
// 'none' (CBOR written by hand, as the @simplewebauthn repo's own tests do with fixtures), and assertion
// signatures in the DER form authenticators use. It signs whatever it is told, so tests can build the
// wrong origin, RP ID, flags or counter a real browser would never send.

type Cbor = number | string | Uint8Array | Map<Cbor, Cbor> | Cbor[]

function head(major: number, n: number): number[] {
  if (n < 24) return [(major << 5) | n]
  if (n < 256) return [(major << 5) | 24, n]
  if (n < 65536) return [(major << 5) | 25, n >> 8, n & 255]
  return [(major << 5) | 26, (n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255]
}

export function cbor(value: Cbor): Uint8Array {
  const out: number[] = []
  const write = (v: Cbor): void => {
    if (typeof v === 'number') out.push(...(v >= 0 ? head(0, v) : head(1, -1 - v)))
    else if (typeof v === 'string') { const b = new TextEncoder().encode(v); out.push(...head(3, b.length), ...b) }
    else if (v instanceof Uint8Array) out.push(...head(2, v.length), ...v)
    else if (Array.isArray(v)) { out.push(...head(4, v.length)); v.forEach(write) }
    else { out.push(...head(5, v.size)); for (const [k, x] of v) { write(k); write(x) } }
  }
  write(value)
  return new Uint8Array(out)
}

export function b64url(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromB64url(s: string): Uint8Array {
  const b = s.replace(/-/g, '+').replace(/_/g, '/')
  return Uint8Array.from(atob(b + '='.repeat((4 - (b.length % 4)) % 4)), (c) => c.charCodeAt(0))
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

const sha256 = async (data: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', data))
const u32 = (n: number) => new Uint8Array([(n >>> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255])

// WebCrypto signs ECDSA as r||s; WebAuthn wants an ASN.1 DER SEQUENCE of two INTEGERs.
function derSignature(raw: Uint8Array): Uint8Array {
  const int = (x: Uint8Array) => {
    let i = 0
    while (i < x.length - 1 && x[i] === 0) i++
    const v = x.slice(i)
    const body = v[0]! & 0x80 ? concat(new Uint8Array([0]), v) : v
    return concat(new Uint8Array([0x02, body.length]), body)
  }
  const seq = concat(int(raw.slice(0, 32)), int(raw.slice(32)))
  return concat(new Uint8Array([0x30, seq.length]), seq)
}

export interface Ceremony { rpId: string; origin: string; challenge: string }
export interface Flags { userPresent?: boolean; userVerified?: boolean }

function flagsByte(f: Flags, attested: boolean): number {
  return (f.userPresent === false ? 0 : 0x01) | (f.userVerified === false ? 0 : 0x04) | (attested ? 0x40 : 0)
}

function clientData(type: string, c: Ceremony): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ type, challenge: c.challenge, origin: c.origin, crossOrigin: false }))
}

export class SoftwareAuthenticator {
  readonly credentialId = crypto.getRandomValues(new Uint8Array(32))
  counter = 0
  private constructor(private readonly keys: CryptoKeyPair) {}

  static async create(): Promise<SoftwareAuthenticator> {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair
    return new SoftwareAuthenticator(keys)
  }

  get id(): string { return b64url(this.credentialId) }

  private async coseKey(): Promise<Uint8Array> {
    const jwk = (await crypto.subtle.exportKey('jwk', this.keys.publicKey)) as JsonWebKey
    return cbor(new Map<Cbor, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, fromB64url(jwk.x!)], [-3, fromB64url(jwk.y!)]]))
  }

  /** The JSON @simplewebauthn/browser's startRegistration() would post. */
  async register(c: Ceremony, flags: Flags = {}): Promise<Record<string, unknown>> {
    const credential = concat(new Uint8Array(16), new Uint8Array([0, this.credentialId.length]), this.credentialId, await this.coseKey())
    const authData = concat(await sha256(new TextEncoder().encode(c.rpId)), new Uint8Array([flagsByte(flags, true)]), u32(this.counter), credential)
    const attestationObject = cbor(new Map<Cbor, Cbor>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]))
    return {
      id: this.id, rawId: this.id, type: 'public-key', clientExtensionResults: {}, authenticatorAttachment: 'platform',
      response: { clientDataJSON: b64url(clientData('webauthn.create', c)), attestationObject: b64url(attestationObject), transports: ['internal'] },
    }
  }

  /** The JSON startAuthentication() would post; the counter goes up by one unless `counter` is given. */
  async assert(c: Ceremony, options: Flags & { counter?: number; userHandle?: string } = {}): Promise<Record<string, unknown>> {
    this.counter = options.counter ?? this.counter + 1
    const authData = concat(await sha256(new TextEncoder().encode(c.rpId)), new Uint8Array([flagsByte(options, false)]), u32(this.counter))
    const data = clientData('webauthn.get', c)
    const raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, this.keys.privateKey, concat(authData, await sha256(data))))
    return {
      id: this.id, rawId: this.id, type: 'public-key', clientExtensionResults: {}, authenticatorAttachment: 'platform',
      response: { clientDataJSON: b64url(data), authenticatorData: b64url(authData), signature: b64url(derSignature(raw)), userHandle: options.userHandle },
    }
  }
}
