import type { Feature } from '../platform/feature'
import { endExpiredImpersonations } from '../auth'
import { createDb, type Database } from '../platform/db'
import { createLogger } from '../platform/logger'
import { pruneAuditEvents, recordAuditEvent } from './audit'
import { impersonationBanner } from './impersonation'
import { adminTwoFactorPanel } from './auth-settings'
import { adminRoutes } from './routes'

// Daily at 03:17 UTC (wrangler.toml [triggers] crons): the audit log's retention (ADR 0060).
export const AUDIT_RETENTION_CRON = '17 3 * * *'

// Operating the SaaS (docs/user-guide.md#admin, issue 13): admins only.
export const adminFeature: Feature = {
  name: 'admin',
  routes: adminRoutes,
  nav: [{ href: '/admin', label: 'Admin', audience: 'admin', position: 'sidebar', icon: 'shield', order: 90 }],
  dashboardCards: [
    {
      id: 'admin',
      title: 'Admin',
      audience: 'admin',
      order: 100,
      render: () => (
        <>
          <p>Users, contact messages, mail deliveries and the audit log.</p>
          <p class="mt-3"><a href="/admin">Open admin</a></p>
        </>
      ),
    },
  ],
  banners: [impersonationBanner],
  adminPanels: [adminTwoFactorPanel],
  on: {
    // The audit log (docs/decisions/0060-audit-log.md): any feature emits 'audit.record', admin stores it.
    'audit.record': (record, { db, now }) => recordAuditEvent(db, record, now),
  },
  scheduled: [{
    // Impersonations that ran out without a stop or logout (ADR 0061): on the record at the time they ended.
    cron: AUDIT_RETENTION_CRON,
    name: 'impersonation-expiry',
    run: async (controller, env) => {
      const { db, close } = createDb(env)
      try {
        // One transaction: a session leaves only with its audit row (the row is dated when it ended).
        const count = await db.transaction(async (txRaw) => {
          const tx = txRaw as unknown as Database
          const ended = await endExpiredImpersonations(tx, new Date(controller.scheduledTime))
          for (const s of ended) {
            await recordAuditEvent(tx, {
              action: 'admin.impersonation.ended', actorId: s.adminId, onBehalfOfId: s.targetId, targetType: 'user', targetId: s.targetId,
              detail: { reason: 'expired' },
            }, s.endedAt)
          }
          return ended.length
        })
        createLogger().info('impersonation expiry', { ended: count })
      } finally {
        await close()
      }
    },
  }, {
    cron: AUDIT_RETENTION_CRON,
    name: 'audit-retention',
    run: async (controller, env) => {
      const { db, close } = createDb(env)
      try {
        const { deleted, batches, more } = await pruneAuditEvents(db, new Date(controller.scheduledTime))
        // `more`: the run's bound was reached; tomorrow's run carries on (docs/decisions/0060-audit-log.md).
        createLogger().info('audit retention', { deleted, batches, more })
      } finally {
        await close()
      }
    },
  }],
}

export { AUDIT_PRUNE_LIMITS, AUDIT_RETENTION_DAYS, pruneAuditEvents, recordAuditEvent, type AuditRecord } from './audit'
// The gate and throttle of every /admin route, for routes other features add under /admin (usage's meters).
export { adminGate, adminThrottle } from './http'
