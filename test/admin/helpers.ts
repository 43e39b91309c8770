import { and, desc, eq } from 'drizzle-orm'
import { createTestUser, loginCookie } from '../auth/helpers'
import { withDb } from '../helpers/db'
import { auditEvents } from '../../src/admin/schema'

/** A fresh admin and a session cookie for them. */
export async function signedInAdmin() {
  const admin = await createTestUser({ role: 'admin', name: 'Ada Admin' })
  return { admin, cookie: await loginCookie(admin.email) }
}

/** Audit rows written by this actor (optionally of one action), newest first. */
export function auditRowsBy(actorId: string, action?: string) {
  return withDb((db) => db.select().from(auditEvents)
    .where(and(eq(auditEvents.actorId, actorId), action ? eq(auditEvents.action, action) : undefined))
    .orderBy(desc(auditEvents.createdAt)))
}

/** Audit rows about a target. */
export function auditRowsAbout(targetId: string, action?: string) {
  return withDb((db) => db.select().from(auditEvents)
    .where(and(eq(auditEvents.targetId, targetId), action ? eq(auditEvents.action, action) : undefined))
    .orderBy(desc(auditEvents.createdAt)))
}
