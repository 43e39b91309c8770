import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server'
import { base64UrlToBytes, bytesToBase64Url, CHALLENGE_TTL_MS } from './challenges'
import type { RelyingParty } from './relying-party'
import type { Passkey } from './store'
import { importSeparately } from '../platform/separate-module'

// @simplewebauthn/server (WebCrypto, runs in workerd) is loaded on the first passkey request only, from a
// module uploaded beside the bundle: the rest of the app never pays for compiling its ASN.1 and CBOR code
// (docs/performance.md, ADR 0101, ADR 0104).
const library = () => importSeparately<typeof import('@simplewebauthn/server')>('simplewebauthn-server.js', '@simplewebauthn/server')

// Discoverable credentials (the passkey names the account: no email typed) with user verification
// required: a passkey is two factors in one, which is why it skips the code step (ADR 0101).
const AUTHENTICATOR_SELECTION = { residentKey: 'required', userVerification: 'required' } as const

export async function registrationOptions(
  rp: RelyingParty,
  user: { id: string; email: string; name: string },
  existing: Pick<Passkey, 'id' | 'transports'>[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { generateRegistrationOptions } = await library()
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    // The user handle: our id, so a passkey never carries the email address in it.
    userID: new Uint8Array(new TextEncoder().encode(user.id)),
    timeout: CHALLENGE_TTL_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
    authenticatorSelection: AUTHENTICATOR_SELECTION,
  })
}

export type VerifiedCredential = { id: string; publicKey: string; counter: number; transports: string[]; deviceType: string; backedUp: boolean }

/** The new credential when the response is genuine for this challenge, origin and RP ID; else null. */
export async function verifyRegistration(rp: RelyingParty, challenge: string, response: RegistrationResponseJSON): Promise<VerifiedCredential | null> {
  const { verifyRegistrationResponse } = await library()
  try {
    const result = await verifyRegistrationResponse({
      response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true,
    })
    if (!result.verified) return null
    const { credential, credentialDeviceType, credentialBackedUp } = result.registrationInfo
    return {
      id: credential.id,
      publicKey: bytesToBase64Url(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports ?? [],
      deviceType: credentialDeviceType,
      backedUp: credentialBackedUp,
    }
  } catch {
    // The library throws on every mismatch (origin, RP ID, flags, malformed CBOR): all mean "not verified".
    return null
  }
}

export async function authenticationOptions(rp: RelyingParty): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { generateAuthenticationOptions } = await library()
  // No allowCredentials: discoverable credentials, the browser lists the passkeys it holds for this site.
  return generateAuthenticationOptions({ rpID: rp.id, timeout: CHALLENGE_TTL_MS, userVerification: 'required' })
}

/**
 * Checks an assertion against the stored credential. Returns the counter the authenticator reported, or
 * null when the signature, origin, RP ID, challenge or user verification is wrong. The counter is compared
 * by the caller after the signature is proven (the library compares it before, so a forged response could
 * otherwise be recorded as a cloned authenticator): the library is given counter 0, which it never refuses.
 */
export async function verifyAuthentication(rp: RelyingParty, challenge: string, response: AuthenticationResponseJSON, passkey: Passkey): Promise<{ counter: number } | null> {
  const { verifyAuthenticationResponse } = await library()
  try {
    const result = await verifyAuthenticationResponse({
      response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true,
      credential: { id: passkey.id, publicKey: base64UrlToBytes(passkey.publicKey), counter: 0, transports: passkey.transports as never },
    })
    return result.verified ? { counter: result.authenticationInfo.newCounter } : null
  } catch {
    return null
  }
}

/**
 * A counter that did not grow means two authenticators share the key (a clone): WebAuthn §6.1.1. Both 0 is
 * fine: synced passkeys (iCloud, Google) always report 0.
 */
export function counterRegressed(stored: number, reported: number): boolean {
  return (stored > 0 || reported > 0) && reported <= stored
}
