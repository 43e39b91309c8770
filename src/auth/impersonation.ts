import { and, eq, isNotNull, isNull, lte } from 'drizzle-orm'
import type { Database } from '../platform/db'
import { sessions, users, type SessionRow, type User } from './schema'
import { createSession, IMPERSONATION_MAX_MS } from './session'
import { generateSecureRandomString, hashSecret, LINK_TOKEN_BYTES, SESSION_ID_BYTES } from './tokens'

/**
 * "Log in as" for support (issue 13, docs/decisions/0061-impersonation.md). The admin's own session ends
 * and the browser gets a session of the target user that records the admin (`impersonatorId`), capped at
 * IMPERSONATION_MAX_MS with no sliding. Stopping ends it and gives the admin a fresh session of their own;
 * the caller re-authenticates the admin before starting and records both steps in the audit log.
 */
export type ImpersonationRefusal = 'not_found' | 'is_admin' | 'deactivated' | 'deleting' | 'self'

export async function startImpersonation(
  db: Database,
  admin: Pick<User, 'id'>,
  targetId: string,
  meta: { userAgent?: string; ipAddress?: string; previousSessionId?: string },
  now: Date,
): Promise<{ ok: true; token: string; session: SessionRow; target: User } | { ok: false; reason: ImpersonationRefusal }> {
  if (targetId === admin.id) return { ok: false, reason: 'self' }
  const [target] = await db.select().from(users).where(eq(users.id, targetId)).limit(1)
  if (!target) return { ok: false, reason: 'not_found' }
  // Never another admin: acting as one would be a way round the role (issue 13).
  if (target.role === 'admin') return { ok: false, reason: 'is_admin' }
  if (target.deactivatedAt !== null) return { ok: false, reason: 'deactivated' }
  if (target.deletionRequestedAt !== null) return { ok: false, reason: 'deleting' }
  const id = generateSecureRandomString(SESSION_ID_BYTES)
  const secret = generateSecureRandomString(LINK_TOKEN_BYTES)
  const session = await db.transaction(async (tx) => {
    if (meta.previousSessionId) await tx.delete(sessions).where(eq(sessions.id, meta.previousSessionId))
    const [row] = await tx.insert(sessions).values({
      id,
      secretHash: hashSecret(secret),
      userId: target.id,
      impersonatorId: admin.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + IMPERSONATION_MAX_MS),
      userAgent: (meta.userAgent ?? '').slice(0, 300),
      ipAddress: (meta.ipAddress ?? '').slice(0, 64),
      signInMethod: 'impersonation',
    }).returning()
    return row!
  })
  return { ok: true, token: `${id}.${secret}`, session, target }
}

/**
 * Ends an impersonation session. The admin gets a new session of their own only while still an active
 * admin; otherwise (demoted or deactivated meanwhile) they are simply signed out.
 */
export async function stopImpersonation(
  db: Database,
  session: SessionRow,
  meta: { userAgent?: string; ipAddress?: string },
  now: Date,
): Promise<{ adminId: string; targetId: string; token: string | null; session: SessionRow | null }> {
  const adminId = session.impersonatorId!
  await db.delete(sessions).where(eq(sessions.id, session.id))
  const [admin] = await db.select({ id: users.id }).from(users)
    .where(and(eq(users.id, adminId), eq(users.role, 'admin'), isNull(users.deactivatedAt))).limit(1)
  if (!admin) return { adminId, targetId: session.userId, token: null, session: null }
  const fresh = await createSession(db, adminId, meta, now)
  return { adminId, targetId: session.userId, token: fresh.token, session: fresh.session }
}

/**
 * The nightly sweep (admin's 'impersonation-expiry' job): removes the impersonation sessions that ran out
 * without a stop or a logout and returns them, with the time each ended, so that the end of every
 * impersonation is on the record (issue 19, finding 7). validateSessionToken refuses such a session but
 * leaves its row for this; the DELETE … RETURNING makes a concurrent second run record nothing twice.
 */
export async function endExpiredImpersonations(db: Database, now: Date): Promise<Array<{ adminId: string; targetId: string; endedAt: Date }>> {
  const ended = await db.delete(sessions)
    .where(and(isNotNull(sessions.impersonatorId), lte(sessions.expiresAt, now)))
    .returning({ adminId: sessions.impersonatorId, targetId: sessions.userId, expiresAt: sessions.expiresAt, createdAt: sessions.createdAt })
  return ended.map((s) => ({
    adminId: s.adminId!,
    targetId: s.targetId,
    endedAt: new Date(Math.min(s.expiresAt.getTime(), s.createdAt.getTime() + IMPERSONATION_MAX_MS)),
  }))
}
