import type { Database } from './db'
import { emitEvent, type AuditRecord } from './feature'
import { clientIp } from './forms'
import type { AppContext } from './types'

/**
 * Who did it, for the audit log: the person behind the request. While an admin impersonates someone, the
 * admin is the actor and the impersonated user is `onBehalfOfId`, so the row names both (issue 13).
 */
export function auditActor(c: AppContext): { actorId: string | null; onBehalfOfId: string | null } {
  const viewer = c.get('viewer')
  if (!viewer) return { actorId: null, onBehalfOfId: null }
  if (viewer.impersonatorId) return { actorId: viewer.impersonatorId, onBehalfOfId: viewer.id }
  return { actorId: viewer.id, onBehalfOfId: null }
}

export type AuditEntry = Omit<AuditRecord, 'actorId' | 'onBehalfOfId' | 'ip'> & {
  /** Defaults to the request's person (auditActor); pass it where that is not who acted (sign-in, where
   * there is none yet; the start of an impersonation, with `onBehalfOfId`). */
  actorId?: string | null
  onBehalfOfId?: string | null
}

/**
 * Records one audit row from a request: any feature emits 'audit.record' through the registry and the
 * admin feature, when listed, stores it (docs/decisions/0060-audit-log.md). The actor and the client IP come from the request,
 * so every feature's rows read alike. Ids and reasons only, never secrets (ASVS 16.2.5; admin scrubs too).
 */
export async function recordAudit(c: AppContext, entry: AuditEntry, db: Database = c.get('db')): Promise<void> {
  const who = entry.actorId !== undefined ? { actorId: entry.actorId, onBehalfOfId: entry.onBehalfOfId ?? null } : auditActor(c)
  // `db` is a transaction when the row must commit with the change it records (account deletion).
  await emitEvent(c.get('registry'), 'audit.record', { ...entry, ...who, ip: clientIp(c) }, { db, env: c.env, now: new Date() })
}
