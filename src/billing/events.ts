import { emitEvent, type AppEvents, type AuditRecord, type EventContext, type Registry } from '../platform/feature'

/** Tells usage (and any listener) the new limits and period. Runs after the change committed (apply.ts). */
export async function announcePlanChange(registry: Registry | null, payload: AppEvents['billing.plan_changed'], ctx: EventContext): Promise<void> {
  if (registry) await emitEvent(registry, 'billing.plan_changed', payload, ctx)
}

/**
 * An audit-log entry outside a request (webhooks, inside their transaction); requests use platform/audit.ts.
 * Stored by admin when it is in the feature list,
 * dropped otherwise; billing does not depend on admin.
 */
export async function recordBillingAudit(registry: Registry | null, payload: AuditRecord, ctx: EventContext): Promise<void> {
  // No person behind it: Stripe's webhook (or our reaction to it) acted (issue 19, finding 7).
  const named = payload.actorId === null ? { ...payload, detail: { actor: 'Stripe', ...payload.detail } } : payload
  if (registry) await emitEvent(registry, 'audit.record', named, ctx)
}
