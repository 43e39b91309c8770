import { emitEvent, type AppEvents, type EventContext, type Registry } from '../platform/feature'

/** What billing writes to the audit log (admin owns the table and listens to 'audit.record'). */
export interface BillingAudit {
  action: string
  actorId: string | null
  onBehalfOfId?: string | null
  targetType?: string
  targetId?: string
  ip?: string | null
  detail?: Record<string, string | number | boolean | null>
}

/** Tells usage (and any listener) the new limits and period. Runs inside the caller's transaction. */
export async function announcePlanChange(registry: Registry | null, payload: AppEvents['billing.plan_changed'], ctx: EventContext): Promise<void> {
  if (registry) await emitEvent(registry, 'billing.plan_changed', payload, ctx)
}

/**
 * 'audit.record' is declared by admin (CONTRACTS.md); billing only emits it, so it goes through the
 * registry's listener list by name and does not depend on admin being in the feature list.
 */
export async function recordAudit(registry: Registry | null, payload: BillingAudit, ctx: EventContext): Promise<void> {
  const listeners = (registry?.listeners as Record<string, Array<(p: unknown, c: EventContext) => Promise<void>>> | undefined)?.['audit.record'] ?? []
  for (const listener of listeners) await listener(payload, ctx)
}
