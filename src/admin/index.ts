import type { Feature } from '../platform/feature'
import { createDb } from '../platform/db'
import { pruneAuditEvents, recordAuditEvent } from './audit'
import { impersonationBanner } from './impersonation'
import { adminRoutes } from './routes'

// Daily at 03:17 UTC (wrangler.toml [triggers] crons): the audit log's retention (ADR 0060).
export const AUDIT_RETENTION_CRON = '17 3 * * *'

export const adminFeature: Feature = {
  name: 'admin',
  routes: adminRoutes,
  nav: [{ href: '/admin', label: 'Admin', audience: 'admin', position: 'start', order: 90 }],
  banners: [impersonationBanner],
  on: {
    'audit.record': (record, { db }) => recordAuditEvent(db, record),
  },
  scheduled: [{
    cron: AUDIT_RETENTION_CRON,
    name: 'audit-retention',
    run: async (controller, env) => {
      const { db, close } = createDb(env)
      try {
        const deleted = await pruneAuditEvents(db, new Date(controller.scheduledTime))
        console.log(JSON.stringify({ level: 'info', msg: 'audit retention', deleted }))
      } finally {
        await close()
      }
    },
  }],
}

export { AUDIT_RETENTION_DAYS, pruneAuditEvents, recordAuditEvent, type AuditRecord } from './audit'
