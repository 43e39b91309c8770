import { and, eq, lt } from 'drizzle-orm'
import type { Database } from '../platform/db'
import { webauthnChallenges } from './schema'

// Long enough to find a phone or a security key, short enough that a leaked challenge is soon worthless
// (issue 22: single use and short-lived). The options ask the browser for the same timeout.
export const CHALLENGE_TTL_MS = 5 * 60 * 1000

export type ChallengePurpose = 'register' | 'authenticate'

/** Stores a challenge the browser will sign; expired ones of anyone are swept in the same round trip. */
export async function saveChallenge(db: Database, challenge: string, purpose: ChallengePurpose, userId: string | null, now: Date): Promise<void> {
  await Promise.all([
    db.insert(webauthnChallenges).values({ challenge, purpose, userId, expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS), createdAt: now }),
    db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, new Date(now.getTime() - CHALLENGE_TTL_MS))),
  ])
}

export type ChallengeOutcome = { ok: true; challenge: string } | { ok: false; reason: 'unknown' | 'expired' }

/**
 * Consumes the challenge a response answers: deleted by the one statement that reads it, so two copies of
 * the same response (a replay, a double click) cannot both find it. A registration challenge belongs to
 * the user who asked for it; a sign-in one to nobody yet.
 */
export async function consumeChallenge(db: Database, challenge: string, purpose: ChallengePurpose, userId: string | null, now: Date): Promise<ChallengeOutcome> {
  const owner = userId === null ? undefined : eq(webauthnChallenges.userId, userId)
  const [row] = await db.delete(webauthnChallenges)
    .where(and(eq(webauthnChallenges.challenge, challenge), eq(webauthnChallenges.purpose, purpose), owner))
    .returning({ expiresAt: webauthnChallenges.expiresAt })
  if (!row) return { ok: false, reason: 'unknown' }
  if (row.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' }
  return { ok: true, challenge }
}

/** The challenge a browser response claims to answer, read from its clientDataJSON (verified later). */
/** The challenge a browser's WebAuthn answer (registration or sign-in) signed, or null when it has none. */
export function challengeOfResponse(response: unknown): string | null {
  return challengeOf((response as { response?: { clientDataJSON?: unknown } } | undefined)?.response?.clientDataJSON)
}

export function challengeOf(clientDataJSON: unknown): string | null {
  if (typeof clientDataJSON !== 'string' || clientDataJSON.length > 4096) return null
  try {
    const json = JSON.parse(new TextDecoder().decode(base64UrlToBytes(clientDataJSON))) as { challenge?: unknown }
    return typeof json.challenge === 'string' && json.challenge.length <= 512 ? json.challenge : null
  } catch {
    return null
  }
}

export function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/')
  return Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (ch) => ch.charCodeAt(0))
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
