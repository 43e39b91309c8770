import { Hono } from 'hono'
import type { AppEnv } from '../platform/types'
import { AUDIT_RETENTION_DAYS, listAuditEvents, type AuditFilter } from './audit'
import { adminGate, pageParam } from './http'
import { isUuid, formatDateTime } from '../platform/format'
import type { AuditEvent } from './schema'
import { AdminFrame, Pager, StackedTable, wantsFragment } from './views/common'

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/

/** Query → filter; a malformed value is dropped (and shown as empty), never a 500. */
function parseFilter(q: (k: string) => string | undefined): { filter: AuditFilter; query: URLSearchParams } {
  const query = new URLSearchParams()
  const filter: AuditFilter = {}
  const action = (q('action') ?? '').trim()
  if (/^[a-z0-9_.]{1,100}$/.test(action)) { filter.action = action; query.set('action', action) }
  const user = (q('user') ?? '').trim()
  if (isUuid(user)) { filter.userId = user; query.set('user', user) }
  const from = q('from') ?? ''
  if (DATE_RE.test(from) && !Number.isNaN(Date.parse(from))) { filter.since = new Date(`${from}T00:00:00Z`); query.set('from', from) }
  const to = q('to') ?? ''
  if (DATE_RE.test(to) && !Number.isNaN(Date.parse(to))) { filter.before = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000); query.set('to', to) }
  return { filter, query }
}

const describeDetail = (d: AuditEvent['detail']) => (d ? Object.entries(d).filter(([k]) => k !== 'actor').map(([k, v]) => `${k}: ${String(v)}`).join(', ') : '')
/** Who acted when no person did ('Stripe', 'scheduler': AuditRecord.detail.actor), else a visitor. */
const systemActor = (d: AuditEvent['detail']) => (typeof d?.actor === 'string' ? d.actor : 'visitor')

function Results({ rows, page, hasMore, query }: { rows: AuditEvent[]; page: number; hasMore: boolean; query: URLSearchParams }) {
  return (
    <div id="audit-results">
      {rows.length === 0 ? <p>No events match.</p> : (
        <StackedTable caption="Audit events" head={['When', 'Action', 'Actor', 'On behalf of', 'Target', 'IP', 'Detail']}>
          {rows.map((e) => (
            <tr>
              <td data-label="When" class="nowrap">{formatDateTime(e.createdAt)}</td>
              <td data-label="Action"><code>{e.action}</code></td>
              <td data-label="Actor">{e.actorId ? <a href={`/admin/users/${e.actorId}`}>{e.actorId.slice(0, 8)}</a> : systemActor(e.detail)}</td>
              <td data-label="On behalf of">{e.onBehalfOfId ? <a href={`/admin/users/${e.onBehalfOfId}`}>{e.onBehalfOfId.slice(0, 8)}</a> : ''}</td>
              <td data-label="Target">{e.targetType === 'user' && e.targetId ? <a href={`/admin/users/${e.targetId}`}>user {e.targetId.slice(0, 8)}</a> : e.targetId ? `${e.targetType} ${e.targetId.slice(0, 8)}` : ''}</td>
              <td data-label="IP">{e.ip ?? ''}</td>
              <td data-label="Detail">{describeDetail(e.detail)}</td>
            </tr>
          ))}
        </StackedTable>
      )}
      <Pager base="/admin/audit" query={query} page={page} hasMore={hasMore} target="#audit-results" />
    </div>
  )
}

export const auditRoutes = new Hono<AppEnv>().get('/admin/audit', ...adminGate, async (c) => {
  const { filter, query } = parseFilter((k) => c.req.query(k))
  const page = pageParam(c.req.query('page'))
  const result = await listAuditEvents(c.get('db'), filter, page)
  const results = <Results rows={result.rows} page={page} hasMore={result.hasMore} query={query} />
  if (wantsFragment(c.req)) return c.html(results)
  const v = (k: string) => query.get(k) ?? ''
  return c.render(
    <AdminFrame path="/admin/audit" title="Audit log" subtitle={`Security and admin events, newest first. Kept ${AUDIT_RETENTION_DAYS} days.`}>
      <form method="get" action="/admin/audit" class="columns is-multiline is-mobile" aria-label="Filter the audit log">
        <div class="field column is-half-mobile"><label class="label" for="a-action">Action starts with</label><div class="control"><input class="input" id="a-action" name="action" value={v('action')} placeholder="admin.user" /></div></div>
        <div class="field column is-half-mobile"><label class="label" for="a-user">User id</label><div class="control"><input class="input" id="a-user" name="user" value={v('user')} /></div></div>
        <div class="field column is-half-mobile"><label class="label" for="a-from">From</label><div class="control"><input class="input" id="a-from" name="from" type="date" value={v('from')} /></div></div>
        <div class="field column is-half-mobile"><label class="label" for="a-to">To</label><div class="control"><input class="input" id="a-to" name="to" type="date" value={v('to')} /></div></div>
        <div class="column is-full"><button class="button is-primary" type="submit">Filter</button></div>
      </form>
      {results}
    </AdminFrame>,
    { title: 'Audit log · Admin' },
  )
})
