import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/**
 * The audit log (docs/decisions/0060-audit-log.md): append-only. The application only ever inserts rows
 * (src/admin/audit.ts) and the retention job deletes rows older than the policy; nothing updates one.
 * Actor and target are plain ids, not foreign keys: a deleted user's history must outlive the user row.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid().primaryKey().defaultRandom(),
    action: text().notNull(),
    // The person who acted (an admin while impersonating), null for a visitor (failed sign-in).
    actorId: uuid(),
    // While impersonating: the user the admin was acting as. Both people, one row.
    onBehalfOfId: uuid(),
    targetType: text(),
    targetId: text(),
    ip: text(),
    // Ids, counts and reasons only: never passwords, tokens, codes or mail bodies.
    detail: jsonb().$type<Record<string, string | number | boolean | null>>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('audit_events_created_at_idx').on(t.createdAt),
    index('audit_events_actor_id_idx').on(t.actorId),
    index('audit_events_target_id_idx').on(t.targetId),
    index('audit_events_action_idx').on(t.action),
  ],
)

export type AuditEvent = typeof auditEvents.$inferSelect
