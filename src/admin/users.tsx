import { Hono } from 'hono'
import { searchUsers, type UserListRow, type UserSearch, type UserSort } from '../auth'
import type { AdminUserFilter } from '../platform/feature'
import type { AppEnv } from '../platform/types'
import { adminGate, pageParam } from './http'
import { formatDateTime } from '../platform/format'
import { AdminFrame, Pager, StackedTable, wantsFragment } from './views/common'
import { readsOnly } from '../platform/speculation'

const SORTS: Record<UserSort, string> = { newest: 'Newest first', oldest: 'Oldest first', email: 'Email A–Z', name: 'Name A–Z' }

/** Query string → search; anything unknown is ignored rather than refused (a stale bookmark still works). */
export function parseUserSearch(q: (k: string) => string | undefined, filters: readonly AdminUserFilter[] = []): UserSearch & { query: URLSearchParams; chosen: Array<{ filter: AdminUserFilter; value: string }> } {
  const query = new URLSearchParams()
  const text = (q('q') ?? '').trim().slice(0, 200)
  const role = q('role') === 'admin' || q('role') === 'user' ? (q('role') as 'admin' | 'user') : undefined
  const verified = q('verified') === 'yes' ? true : q('verified') === 'no' ? false : undefined
  const active = q('active') === 'yes' ? true : q('active') === 'no' ? false : undefined
  // Accounts in deletion, stuck or not (ADR 0084).
  const deleting = q('active') === 'deleting' ? true : undefined
  const sort = (Object.keys(SORTS) as UserSort[]).includes(q('sort') as UserSort) ? (q('sort') as UserSort) : 'newest'
  if (text) query.set('q', text)
  if (role) query.set('role', role)
  if (verified !== undefined) query.set('verified', verified ? 'yes' : 'no')
  if (active !== undefined) query.set('active', active ? 'yes' : 'no')
  if (deleting) query.set('active', 'deleting')
  // Other features' filters (billing: plan). A value the feature cannot use is ignored by its `where`.
  const chosen: Array<{ filter: AdminUserFilter; value: string }> = []
  for (const filter of filters) {
    const value = (q(filter.name) ?? '').trim().slice(0, 100)
    if (!value) continue
    chosen.push({ filter, value })
    query.set(filter.name, value)
  }
  if (sort !== 'newest') query.set('sort', sort)
  return { q: text, role, verified, active, deleting, sort, page: pageParam(q('page')), query, chosen }
}

function Select({ name, label, value, options }: { name: string; label: string; value: string; options: Array<[string, string]> }) {
  return (
    <div class="field column is-half-mobile">
      <label class="label" for={`f-${name}`}>{label}</label>
      <div class="control"><div class="select is-fullwidth">
        <select id={`f-${name}`} name={name}>
          {options.map(([v, l]) => <option value={v} selected={v === value}>{l}</option>)}
        </select>
      </div></div>
    </div>
  )
}

export function UserResults({ rows, page, hasMore, query, columns }: { rows: UserListRow[]; page: number; hasMore: boolean; query: URLSearchParams; columns: readonly AdminUserFilter[] }) {
  return (
    <div id="user-results" aria-live="polite">
      {rows.length === 0 ? <p class="mt-4">No users match.</p> : (
        <StackedTable caption="Users" head={['Name', 'Email', 'Role', ...columns.map((f) => f.label), 'Verified', 'Status', 'Joined']}>
          {rows.map((u) => (
            <tr>
              <td data-label="Name"><a href={`/admin/users/${u.id}`}>{u.name}</a></td>
              <td data-label="Email">{u.email}</td>
              <td data-label="Role">{u.role}</td>
              {columns.map((f) => <td data-label={f.label}>{u.extras[f.name] ?? '—'}</td>)}
              <td data-label="Verified">{u.emailVerifiedAt ? 'yes' : 'no'}</td>
              <td data-label="Status">{u.deletionFailedAt ? <span class="tag is-danger">deletion failed</span>
                : u.deletionRequestedAt ? <span class="tag is-warning is-light">being deleted</span>
                : u.deactivatedAt ? <span class="tag is-danger is-light">deactivated</span> : 'active'}</td>
              <td data-label="Joined" class="nowrap">{formatDateTime(u.createdAt)}</td>
            </tr>
          ))}
        </StackedTable>
      )}
      <Pager base="/admin/users" query={query} page={page} hasMore={hasMore} target="#user-results" />
    </div>
  )
}

// Reads only (ADR 0106): every panel, filter and row comes from Postgres; on a warm isolate, one round trip.
export const usersRoutes = new Hono<AppEnv>().get('/admin/users', readsOnly, ...adminGate, async (c) => {
  const filters = c.get('registry').adminUserFilters
  const search = parseUserSearch((k) => c.req.query(k), filters)
  const db = c.get('db')
  const fragment = wantsFragment(c.req)
  // Started together: the coalescing transport sends them as one HTTP batch (issue 8).
  const [result, choices] = await Promise.all([
    searchUsers(db, search, {
      where: search.chosen.map(({ filter, value }) => (userId) => filter.where(userId, value)),
      columns: Object.fromEntries(filters.map((f) => [f.name, f.column])),
    }),
    fragment ? Promise.resolve([]) : Promise.all(filters.map((f) => f.options(db, c.env))),
  ])
  const results = <UserResults rows={result.rows} page={result.page} hasMore={result.hasMore} query={search.query} columns={filters} />
  if (fragment) return c.html(results)
  const v = (k: string) => search.query.get(k) ?? ''
  return c.render(
    <AdminFrame path="/admin/users" title="Users">
      <form method="get" action="/admin/users" role="search" aria-label="Find users"
        hx-get="/admin/users" hx-target="#user-results" hx-swap="outerHTML" hx-push-url="true"
        hx-trigger="input changed delay:300ms from:#f-q, change from:select, submit">
        <div class="field">
          <label class="label" for="f-q">Search by email or name</label>
          <div class="control"><input class="input" id="f-q" name="q" type="search" value={v('q')} maxlength={200} autocomplete="off" /></div>
        </div>
        <div class="columns is-mobile is-multiline">
          <Select name="role" label="Role" value={v('role')} options={[['', 'Any'], ['user', 'User'], ['admin', 'Admin']]} />
          <Select name="verified" label="Verified" value={v('verified')} options={[['', 'Any'], ['yes', 'Verified'], ['no', 'Not verified']]} />
          <Select name="active" label="Status" value={v('active')} options={[['', 'Any'], ['yes', 'Active'], ['no', 'Deactivated'], ['deleting', 'Being deleted']]} />
          {filters.map((f, i) => <Select name={f.name} label={f.label} value={v(f.name)} options={[['', 'Any'], ...(choices[i] ?? [])]} />)}
          <Select name="sort" label="Sort" value={v('sort') || 'newest'} options={Object.entries(SORTS)} />
        </div>
        <button class="button is-primary" type="submit">Search</button>
      </form>
      {results}
    </AdminFrame>,
    { title: 'Users · Admin' },
  )
})
