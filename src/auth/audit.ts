import { recordAudit } from '../platform/audit'
import type { AppContext } from '../platform/types'

/**
 * Records one security event (platform/audit.ts). The actor defaults to the request's person; pass
 * `actorId` for sign-in, where the session is not made yet. A target is always a user.
 */
export async function recordAuthAudit(
  c: AppContext,
  action: string,
  fields: { actorId?: string | null; targetId?: string; detail?: Record<string, string | number | boolean | null> } = {},
): Promise<void> {
  await recordAudit(c, { action, actorId: fields.actorId, targetType: fields.targetId ? 'user' : undefined, targetId: fields.targetId, detail: fields.detail })
}
