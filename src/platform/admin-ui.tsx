import type { Child } from 'hono/jsx'

// Building blocks every feature's admin panel uses, so that panels from different features look alike.

// Instants on admin panels: formatDateTime from './format', like every page.

export function Stat({ label, value, tone }: { label: string; value: number | string; tone?: 'danger' }) {
  return (
    <div class="column">
      <div class="box has-text-centered">
        <p class="heading">{label}</p>
        <p class={`title is-4${tone && typeof value === 'number' && value > 0 ? ' has-text-danger-dark' : ''}`}>{value}</p>
      </div>
    </div>
  )
}

export function StatRow({ children }: { children?: Child }) {
  return <div class="columns is-multiline">{children}</div>
}

// A wide table scrolls sideways on a phone; the region is focusable and named so keyboard and
// screen-reader users can reach and scroll it (axe scrollable-region-focusable).
export function AdminTable({ labelledBy, head, children }: { labelledBy: string; head: string[]; children?: Child }) {
  return (
    <div class="table-container" tabindex={0} role="region" aria-labelledby={labelledBy}>
      <table class="table is-fullwidth is-striped">
        <thead>
          <tr>{head.map((h) => <th scope="col">{h}</th>)}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  )
}

/** A user as the admin pages name one: name and email (from auth's personFields), linked to their page. */
export interface PersonRef {
  id: string
  /** Null when the user no longer exists. */
  name: string | null
  email: string | null
}

// People, not ID fragments (issue 20). A deleted user keeps their short id, so rows about one person can
// still be told apart; the full id is in the tooltip and the audit filter.
export function Person({ person }: { person: PersonRef }) {
  if (person.name === null) return <span class="person is-deleted" title={person.id}>deleted user {person.id.slice(0, 8)}</span>
  return (
    <span class="person">
      <a href={`/admin/users/${person.id}`}>{person.name}</a>
      {person.email && <span class="person-email is-block is-size-7">{person.email}</span>}
    </span>
  )
}
