import { count, desc } from 'drizzle-orm'
import type { AdminPanel } from '../platform/feature'
import type { Database } from '../platform/db'
import { AdminTable, Stat, StatRow, formatWhen } from '../platform/admin-ui'
import { emailDeliveries } from './schema'

export const RECENT_DELIVERIES_LIMIT = 20
const STATUS_TAG = { queued: 'is-warning', sent: 'is-success', failed: 'is-danger' } as const

// Issue 3: an admin sees what went out and what failed.
export async function getMailFigures(db: Database) {
  const [byStatusRows, recent] = await Promise.all([
    db.select({ status: emailDeliveries.status, n: count() }).from(emailDeliveries).groupBy(emailDeliveries.status),
    db.select().from(emailDeliveries).orderBy(desc(emailDeliveries.createdAt)).limit(RECENT_DELIVERIES_LIMIT),
  ])
  const byStatus = Object.fromEntries(byStatusRows.map((r) => [r.status, r.n]))
  return { counts: { queued: byStatus.queued ?? 0, sent: byStatus.sent ?? 0, failed: byStatus.failed ?? 0 }, recent }
}

export const mailAdminPanel: AdminPanel<Awaited<ReturnType<typeof getMailFigures>>> = {
  id: 'mail',
  title: 'Mail deliveries',
  order: 20,
  load: (db) => getMailFigures(db),
  render: ({ counts, recent }) => (
    <>
      <StatRow>
        <Stat label="Mail sent" value={counts.sent} />
        <Stat label="Mail queued" value={counts.queued} />
        <Stat label="Mail failed" value={counts.failed} tone="danger" />
      </StatRow>
      {recent.length === 0 ? <p>No mail yet.</p> : (
        <>
          <h3 class="title is-5" id="recent-mail">Newest {RECENT_DELIVERIES_LIMIT}</h3>
          <AdminTable labelledBy="recent-mail" head={['When', 'Template', 'To', 'Status', 'Attempts', 'Error']}>
            {recent.map((d) => (
              <tr>
                <td class="nowrap">{formatWhen(d.createdAt)}</td>
                <td>{d.template}</td>
                <td>{d.recipient}</td>
                <td><span class={`tag is-light ${STATUS_TAG[d.status]}`}>{d.status}</span></td>
                <td>{d.attempts}</td>
                <td>{d.error ?? ''}</td>
              </tr>
            ))}
          </AdminTable>
        </>
      )}
    </>
  ),
}
