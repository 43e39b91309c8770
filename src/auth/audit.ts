import { emitEvent } from '../platform/feature'
import type { AppContext } from '../platform/types'
import { clientIp } from '../platform/forms'

/**
 * Who did it, for the audit log: the person behind the session. While an admin impersonates someone, the
 * admin is the actor and the impersonated user is `onBehalfOfId`, so the row names both (issue 13).
 */
export function auditActor(c: AppContext): { actorId: string | null; onBehalfOfId: string | null } {
  const session = c.get('session')
  if (!session) return { actorId: null, onBehalfOfId: null }
  if (session.impersonatorId) return { actorId: session.impersonatorId, onBehalfOfId: session.userId }
  return { actorId: session.userId, onBehalfOfId: null }
}

/**
 * Records one security event through the registry (`audit.record`, CONTRACTS.md): the admin feature stores
 * it. `actorId` defaults to the session's person; pass it for sign-in, where the session is not made yet.
 * Ids and reasons only, never secrets (ASVS 16.2.5).
 */
export async function recordAuthAudit(
  c: AppContext,
  action: string,
  fields: { actorId?: string | null; targetId?: string; detail?: Record<string, string | number | boolean | null> } = {},
): Promise<void> {
  const who = auditActor(c)
  const actorId = fields.actorId !== undefined ? fields.actorId : who.actorId
  await emitEvent(c.get('registry'), 'audit.record', {
    action,
    actorId,
    onBehalfOfId: fields.actorId !== undefined ? null : who.onBehalfOfId,
    targetType: fields.targetId ? 'user' : undefined,
    targetId: fields.targetId,
    ip: clientIp(c),
    detail: fields.detail,
  }, { db: c.get('db'), env: c.env })
}
