import type { AdminPanel } from '../platform/feature'
import { BarChart } from '../platform/chart'
import { formatCount, formatDate, formatDateTime, formatDayMonth } from '../platform/format'
import { countSignupsByDay, getUserFigures } from './account-admin'
import { listDeletingAccounts, type DeletingAccount } from './account-deletion'

// Auth's figures on the admin overview (issue 13): admin composes panels and never reads auth's tables.
function Figure({ label, value }: { label: string; value: number }) {
  return (
    <div class="column is-half-mobile">
      <p class="heading">{label}</p>
      <p class="title is-4">{value}</p>
    </div>
  )
}

export const userFiguresPanel: AdminPanel<Awaited<ReturnType<typeof getUserFigures>>> = {
  id: 'users',
  title: 'Users',
  order: 10,
  load: (db) => getUserFigures(db, new Date()),
  render: (f) => (
    <div class="columns is-mobile is-multiline">
      <Figure label="Total" value={f.total} />
      <Figure label="Verified" value={f.verified} />
      <Figure label="New this week" value={f.newThisWeek} />
      <Figure label="Deactivated" value={f.deactivated} />
    </div>
  ),
}

export const signupChartPanel: AdminPanel<Awaited<ReturnType<typeof countSignupsByDay>>> = {
  id: 'signups',
  title: 'Sign-ups, last 30 days',
  order: 11,
  load: (db) => countSignupsByDay(db, new Date(), 30),
  render: (days) => (
    <BarChart id="signup-chart" label="Sign-ups per day, last 30 days" format={formatCount} columns={['Day (UTC)', 'Sign-ups']}
      empty="No sign-ups in the last 30 days."
      points={days.map((d) => ({ label: formatDate(new Date(d.day)), axis: formatDayMonth(new Date(d.day)), value: d.count }))} />
  ),
}

/**
 * Accounts whose deletion is under way or stuck (ADR 0084): failed ones first, each linking to its user
 * page, where the retry button is. An account normally leaves this list within a minute.
 */
export const deletingAccountsPanel: AdminPanel<DeletingAccount[]> = {
  id: 'deleting-accounts',
  title: 'Accounts being deleted',
  order: 12,
  load: (db) => listDeletingAccounts(db),
  render: (rows) => rows.length === 0 ? <p>No account is being deleted.</p> : (
    <table class="table is-narrow is-fullwidth">
      <caption class="has-text-left has-text-weight-semibold">Failed first; retry from the user page</caption>
      <thead><tr><th scope="col">Account</th><th scope="col">Since</th><th scope="col">State</th></tr></thead>
      <tbody>{rows.map((r) => (
        <tr>
          <td><a href={`/admin/users/${r.id}`}>{r.email}</a></td>
          <td class="nowrap">{formatDateTime(r.requestedAt)}</td>
          <td>{r.failedAt ? <span class="tag is-danger is-light" title={r.error ?? ''}>deletion failed</span> : <span class="tag is-warning is-light">deleting</span>}</td>
        </tr>
      ))}</tbody>
    </table>
  ),
}
