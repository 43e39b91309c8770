import type { AdminPanel } from '../../platform/feature'
import { Person } from '../../platform/admin-ui'
import { getUsageOverview } from '../summary'

// The admin overview's usage figures: accounts near a limit and the heaviest API users, named as people
// (issue 20) rather than by an id fragment.
export const usageAdminPanel: AdminPanel<Awaited<ReturnType<typeof getUsageOverview>>> = {
  id: 'usage',
  title: 'Usage',
  order: 40,
  load: (db) => getUsageOverview(db),
  render: (o) => (
    <>
      <p>{o.nearLimit} {o.nearLimit === 1 ? 'account is' : 'accounts are'} at 80% or more of a limit.</p>
      {o.top.length > 0 && (
        <table class="table is-narrow is-fullwidth">
          <caption class="has-text-left has-text-weight-semibold">Most API requests this period</caption>
          <thead><tr><th scope="col">Account</th><th scope="col" class="has-text-right">Requests</th></tr></thead>
          <tbody>{o.top.map((t) => <tr><td><Person person={t.person} /></td><td class="has-text-right">{t.used}{t.limit !== null ? ` / ${t.limit}` : ''}</td></tr>)}</tbody>
        </table>
      )}
    </>
  ),
}
