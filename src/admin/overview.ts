import { count, desc, isNotNull, sql } from 'drizzle-orm'
import type { Database } from '../platform/db'
import { users } from '../auth/schema'
import { emailDeliveries } from '../email/schema'
import { contactMessages } from '../pages/schema'

export const RECENT_LIMIT = 20

/**
 * What an admin needs at a glance: who signed up, what visitors wrote, and which mails went out or
 * failed (issue 3: "an admin can see what went out and what failed"). Read-only; five small queries
 * run in parallel on the request's pool.
 */
export async function getAdminOverview(db: Database) {
  const [userCounts, deliveryCounts, messages, deliveries, newestUsers] = await Promise.all([
    db.select({
      total: count(),
      verified: count(users.emailVerifiedAt),
      admins: sql<number>`count(*) filter (where ${users.role} = 'admin')`.mapWith(Number),
    }).from(users),
    db.select({ status: emailDeliveries.status, n: count() }).from(emailDeliveries).groupBy(emailDeliveries.status),
    db.select().from(contactMessages).orderBy(desc(contactMessages.createdAt)).limit(RECENT_LIMIT),
    db.select().from(emailDeliveries).orderBy(desc(emailDeliveries.createdAt)).limit(RECENT_LIMIT),
    db.select({ id: users.id, name: users.name, email: users.email, role: users.role, verified: isNotNull(users.emailVerifiedAt), createdAt: users.createdAt })
      .from(users).orderBy(desc(users.createdAt)).limit(RECENT_LIMIT),
  ])
  const byStatus = Object.fromEntries(deliveryCounts.map((r) => [r.status, r.n]))
  return {
    users: userCounts[0] ?? { total: 0, verified: 0, admins: 0 },
    mail: { queued: byStatus.queued ?? 0, sent: byStatus.sent ?? 0, failed: byStatus.failed ?? 0 },
    messages,
    deliveries,
    newestUsers,
  }
}

export type AdminOverview = Awaited<ReturnType<typeof getAdminOverview>>

