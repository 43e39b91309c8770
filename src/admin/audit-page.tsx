import { Hono } from 'hono'
import { Person } from '../platform/admin-ui'
import { FormErrorSummary, type FieldErrors } from '../platform/components'
import type { AppEnv } from '../platform/types'
import { AUDIT_RETENTION_DAYS, listAuditEvents, type AuditFilter, type AuditListRow } from './audit'
import { adminGate, pageParam } from './http'
import { formatDate, formatTime, isUuid } from '../platform/format'
import { AdminFrame, Pager, StackedTable, wantsFragment } from './views/common'
import { readsOnly } from '../platform/speculation'

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/
// Part of an address: what a person types to find someone ("ada@", "example.com"), never whitespace.
const EMAIL_PART_RE = /^[^\s<>"'`]{1,254}$/

const FIELDS = ['action', 'email', 'user', 'from', 'to'] as const
type FilterValues = Partial<Record<(typeof FIELDS)[number], string>>

const validDate = (v: string) => DATE_RE.test(v) && !Number.isNaN(Date.parse(v))

/**
 * Query → filter. A value that cannot be a filter is answered with a message next to its field (422)
 * instead of being dropped silently: an admin who typos an email must not read the unfiltered log as
 * "this person did nothing" (issue 20). Empty fields are no filter.
 */
export function parseAuditFilter(q: (k: string) => string | undefined): { filter: AuditFilter; query: URLSearchParams; values: FilterValues; errors: FieldErrors } {
  const query = new URLSearchParams()
  const filter: AuditFilter = {}
  const errors: FieldErrors = {}
  const values: FilterValues = {}
  for (const k of FIELDS) {
    const v = (q(k) ?? '').trim().slice(0, 300)
    if (v) values[k] = v
  }
  const { action, email, user, from, to } = values
  if (action) {
    if (/^[a-z0-9_.]{1,100}$/.test(action)) filter.action = action
    else errors.action = 'An action is lowercase letters, digits, dots and underscores, e.g. admin.user.'
  }
  if (email) {
    if (EMAIL_PART_RE.test(email)) filter.email = email
    else errors.email = 'Type an email address or part of one, without spaces.'
  }
  if (user) {
    if (isUuid(user)) filter.userId = user
    else errors.user = 'A user id is the full id from the address of a user\'s page.'
  }
  if (from) {
    if (validDate(from)) filter.since = new Date(`${from}T00:00:00Z`)
    else errors.from = 'A date is written YYYY-MM-DD.'
  }
  if (to) {
    if (validDate(to)) filter.before = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000)
    else errors.to = 'A date is written YYYY-MM-DD.'
  }
  if (filter.since && filter.before && filter.since >= filter.before) errors.to = 'The end date is before the start date.'
  for (const k of FIELDS) if (values[k] && !errors[k]) query.set(k, values[k]!)
  return { filter, query, values, errors }
}

/** The facts of a row as a key/value list that wraps (issue 20: details were one clipped line). */
function Detail({ detail }: { detail: AuditListRow['detail'] }) {
  // `actor` is shown in the Actor column.
  const entries = Object.entries(detail ?? {}).filter(([k]) => k !== 'actor')
  if (entries.length === 0) return null
  return (
    <dl class="audit-detail">
      {entries.map(([k, v]) => <div><dt>{k}</dt><dd>{v === null ? '—' : String(v)}</dd></div>)}
    </dl>
  )
}

/** Who acted when no person did ('Stripe', 'deletion queue': AuditRecord.detail.actor), else a visitor. */
const systemActor = (d: AuditListRow['detail']) => (typeof d?.actor === 'string' ? d.actor : 'visitor')

function Target({ e }: { e: AuditListRow }) {
  if (e.targetUser) return <Person person={e.targetUser} />
  if (!e.targetId) return null
  return <span class="audit-target">{e.targetType} <code title={e.targetId}>{e.targetId.slice(0, 8)}</code></span>
}

function Results({ rows, page, hasMore, query }: { rows: AuditListRow[]; page: number; hasMore: boolean; query: URLSearchParams }) {
  return (
    <div id="audit-results">
      {rows.length === 0 ? <p>No events match.</p> : (
        // Four columns, so a row fits beside the app's sidebar: what happened (action, when, from where),
        // who, to whom, and the facts (issue 20: a seven-column row was clipped).
        <StackedTable caption="Audit events" head={['Event', 'Actor', 'Target', 'Detail']} class="audit-table">
          {rows.map((e) => (
            <tr>
              <td data-label="Event">
                <code class="audit-action">{e.action}</code>
                {/* Date and time each stay whole; the cell may break between them. */}
                <span class="audit-meta"><time datetime={e.createdAt.toISOString()}><span class="nowrap">{formatDate(e.createdAt)}</span> <span class="nowrap">{formatTime(e.createdAt)}</span></time></span>
                {e.ip && <span class="audit-meta">from {e.ip}</span>}
              </td>
              {/* While impersonating, the admin acted as the user: both people, in one cell (ADR 0061). */}
              <td data-label="Actor">{e.actor ? <Person person={e.actor} /> : systemActor(e.detail)}
                {e.onBehalfOf && <span class="audit-on-behalf">acting as <Person person={e.onBehalfOf} /></span>}</td>
              <td data-label="Target"><Target e={e} /></td>
              <td data-label="Detail"><Detail detail={e.detail} /></td>
            </tr>
          ))}
        </StackedTable>
      )}
      <Pager base="/admin/audit" query={query} page={page} hasMore={hasMore} target="#audit-results" />
    </div>
  )
}

function FilterField({ name, label, value, error, type = 'text', placeholder, autocomplete }: { name: string; label: string; value?: string; error?: string; type?: string; placeholder?: string; autocomplete?: string }) {
  const id = `a-${name}`
  return (
    <div class="field column is-half-mobile">
      <label class="label" for={id}>{label}</label>
      <div class="control">
        <input class={`input${error ? ' is-danger' : ''}`} id={id} name={name} type={type} value={value ?? ''} placeholder={placeholder}
          autocomplete={autocomplete} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-error` : undefined} />
      </div>
      {error && <p class="help is-danger" id={`${id}-error`}>{error}</p>}
    </div>
  )
}

function FilterForm({ values, errors }: { values: FilterValues; errors: FieldErrors }) {
  return (
    <form method="get" action="/admin/audit" class="columns is-multiline is-mobile" aria-label="Filter the audit log">
      {Object.keys(errors).length > 0 && <div class="column is-full pb-0"><FormErrorSummary errors={errors} /></div>}
      <FilterField name="email" label="Email (actor or target)" value={values.email} error={errors.email} type="search" placeholder="ada@example.com" autocomplete="off" />
      <FilterField name="action" label="Action starts with" value={values.action} error={errors.action} placeholder="admin.user" />
      <FilterField name="from" label="From" value={values.from} error={errors.from} type="date" />
      <FilterField name="to" label="To" value={values.to} error={errors.to} type="date" />
      <FilterField name="user" label="User id" value={values.user} error={errors.user} autocomplete="off" />
      <div class="column is-full"><button class="button is-primary" type="submit">Filter</button></div>
    </form>
  )
}

// Reads only (ADR 0106): every panel, filter and row comes from Postgres; on a warm isolate, one round trip.
export const auditRoutes = new Hono<AppEnv>().get('/admin/audit', readsOnly, ...adminGate, async (c) => {
  const { filter, query, values, errors } = parseAuditFilter((k) => c.req.query(k))
  const invalid = Object.keys(errors).length > 0
  const page = pageParam(c.req.query('page'))
  // A filter that cannot be applied shows no rows at all, rather than rows it did not filter.
  const result = invalid ? null : await listAuditEvents(c.get('db'), filter, page)
  if (invalid) c.status(422)
  const results = result
    ? <Results rows={result.rows} page={page} hasMore={result.hasMore} query={query} />
    : <div id="audit-results"><p>Correct the filter to see events.</p></div>
  if (wantsFragment(c.req)) return c.html(results)
  return c.render(
    <AdminFrame path="/admin/audit" title="Audit log" subtitle={`Security and admin events, newest first. Kept ${AUDIT_RETENTION_DAYS} days.`}>
      <FilterForm values={values} errors={errors} />
      {results}
    </AdminFrame>,
    { title: 'Audit log · Admin' },
  )
})
