import { Hono } from 'hono'
import { describeSignIn, getPendingVerification, getUserById, listUserSessions, type SessionListRow, type User } from '../auth'
import type { AdminUserSection } from '../platform/feature'
import { Person } from '../platform/admin-ui'
import { Field } from '../platform/components'
import type { AppContext, AppEnv } from '../platform/types'
import { adminGate, notFound } from './http'
import { isUuid, formatDateTime } from '../platform/format'
import { summariseUserAgent } from '../platform/user-agent'
import { AdminFrame, StackedTable } from './views/common'
import { readsOnly } from '../platform/speculation'

function Profile({ user, pendingEmail }: { user: User; pendingEmail: string | null }) {
  const rows: Array<[string, string]> = [
    ['Name', user.name],
    ['Email', user.email],
    ['Role', user.role],
    ['Email verified', user.emailVerifiedAt ? formatDateTime(user.emailVerifiedAt) : 'no'],
    ['Status', user.deletionFailedAt ? 'deletion failed' : user.deletionRequestedAt ? `being deleted since ${formatDateTime(user.deletionRequestedAt)}` : user.deactivatedAt ? `deactivated ${formatDateTime(user.deactivatedAt)}` : 'active'],
    ['Joined', formatDateTime(user.createdAt)],
  ]
  if (pendingEmail && pendingEmail !== user.email) rows.push(['Pending new email', pendingEmail])
  return (
    <dl class="columns is-multiline admin-profile">
      {rows.map(([k, v]) => <div class="column is-half-tablet"><dt class="heading">{k}</dt><dd>{v}</dd></div>)}
    </dl>
  )
}

function Sessions({ sessions }: { sessions: SessionListRow[] }) {
  if (sessions.length === 0) return <p>No open sessions.</p>
  return (
    <StackedTable caption="Open sessions" head={['Started', 'Last seen', 'Device', 'IP', 'Kind']}>
      {sessions.map((s) => (
        <tr>
          <td data-label="Started" class="nowrap">{formatDateTime(s.createdAt)}</td>
          <td data-label="Last seen" class="nowrap">{formatDateTime(s.lastSeenAt)}</td>
          <td data-label="Device"><span title={s.userAgent || undefined}>{summariseUserAgent(s.userAgent).label}</span></td>
          <td data-label="IP">{s.ipAddress || 'unknown'}</td>
          {/* How each session signed in (issue 22: method and second factor), as the owner's own list says it. */}
          <td data-label="Kind">{s.impersonator ? <>admin acting as this user: <Person person={s.impersonator} /></> : describeSignIn(s)}</td>
        </tr>
      ))}
    </StackedTable>
  )
}

/** One POST button with the label the screen reader announces; the route answers with a flash. */
function ActionButton({ action, label, tone = 'is-light' }: { action: string; label: string; tone?: string }) {
  return (
    <form method="post" action={action} class="control">
      <button class={`button ${tone}`} type="submit">{label}</button>
    </form>
  )
}

/** An account whose deletion is under way or stuck (ADR 0084): its state, last error and the retry. */
function Deletion({ user }: { user: User }) {
  return (
    <article class={`message ${user.deletionFailedAt ? 'is-danger' : 'is-warning'}`} aria-labelledby="deletion-title">
      <div class="message-body">
        <h3 class="title is-6" id="deletion-title">{user.deletionFailedAt ? 'Deletion failed' : 'Being deleted'}</h3>
        <p>Asked for {formatDateTime(user.deletionRequestedAt!)}; the account is signed out and cannot sign in.{user.deletionFailedAt ? ` Gave up ${formatDateTime(user.deletionFailedAt)}.` : ''}</p>
        {user.deletionError && <p class="mt-2"><strong>Last error:</strong> <code>{user.deletionError}</code></p>}
        <form method="post" action={`/admin/users/${user.id}/deletion/retry`} class="mt-3">
          <button class="button is-danger" type="submit">Retry deletion</button>
        </form>
      </div>
    </article>
  )
}

/**
 * "Log in as": one component for the page and the htmx fragment (the contact form's pattern). A wrong or
 * throttled password comes back as this form with the message under the field (401/429), not a page.
 */
export function ImpersonateForm({ user, error }: { user: Pick<User, 'id' | 'name'>; error?: string }) {
  const action = `/admin/users/${user.id}/impersonate`
  return (
    <form id="impersonate-form" method="post" action={action} hx-post={action} hx-target="this" hx-swap="outerHTML" class="box mt-4" aria-labelledby="impersonate-title" novalidate>
      <h3 class="title is-6" id="impersonate-title">Log in as {user.name}</h3>
      <p class="is-size-7 mb-2">For support: you see the site as this user for at most 30 minutes. Your password first.</p>
      <Field name="password" label="Your password" type="password" error={error} required autocomplete="current-password" autofocus={Boolean(error)} />
      <button class="button is-link" type="submit">Log in as this user</button>
    </form>
  )
}

function Actions({ user, self, impersonateError }: { user: User; self: boolean; impersonateError?: string }) {
  const base = `/admin/users/${user.id}`
  if (user.deletionRequestedAt) return <Deletion user={user} />
  return (
    <div>
      <form method="post" action={`${base}/role`} class="field has-addons mb-4">
        <div class="control">
          <div class="select">
            <select name="role" aria-label="Role">
              <option value="user" selected={user.role === 'user'}>User</option>
              <option value="admin" selected={user.role === 'admin'}>Admin</option>
            </select>
          </div>
        </div>
        <div class="control"><button class="button" type="submit">Change role</button></div>
      </form>
      <div class="field is-grouped is-grouped-multiline">
        {user.deactivatedAt
          ? <ActionButton action={`${base}/reactivate`} label="Reactivate account" />
          : <ActionButton action={`${base}/deactivate`} label="Deactivate account" tone="is-warning" />}
        {!user.emailVerifiedAt && <ActionButton action={`${base}/resend-verification`} label="Resend verification mail" />}
      </div>
      {!self && user.role !== 'admin' && !user.deactivatedAt && <ImpersonateForm user={user} error={impersonateError} />}
      <form method="post" action={`${base}/delete`} class="box mt-4" aria-labelledby="delete-title">
        <h3 class="title is-6 has-text-danger-dark" id="delete-title">Delete this account</h3>
        <p class="is-size-7 mb-2">Removes the account and its data, as when the user deletes it. Type the email address to confirm.</p>
        <div class="field">
          <label class="label" for="delete-confirm">Email address</label>
          <div class="control"><input class="input" id="delete-confirm" name="confirm_email" type="email" required autocomplete="off" /></div>
        </div>
        <button class="button is-danger" type="submit">Delete account</button>
      </form>
    </div>
  )
}

function SectionBox({ section, data, userId, failed }: { section: AdminUserSection; data: unknown; userId: string; failed: boolean }) {
  return (
    <article class="box" aria-labelledby={`section-${section.id}`}>
      <h2 class="title is-5" id={`section-${section.id}`}>{section.title}</h2>
      {failed ? <p class="has-text-danger-dark">This section could not be loaded; see the logs.</p> : section.render(data, userId)}
    </article>
  )
}

/** The user page; also the no-JavaScript answer of a refused "log in as" (the form shows its error). */
export async function renderUserPage(c: AppContext, id: string, opts: { impersonateError?: string } = {}): Promise<Response> {
  const db = c.get('db')
  const sections = c.get('registry').adminUserSections
  const now = new Date()
  // Profile, sessions, pending mail and every feature's section at once (one round trip of parallel queries).
  const [user, sessions, pending, ...loaded] = await Promise.all([
    getUserById(db, id),
    listUserSessions(db, id, now),
    getPendingVerification(db, id),
    ...sections.map((s) => s.load(db, id, c.env, now).then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, v: e }))),
  ])
  if (!user) return notFound(c)
  return c.render(
    <AdminFrame path="/admin/users" title={user.name} subtitle={user.email}>
      <div class="columns">
        <div class="column is-7">
          <article class="box" aria-labelledby="profile-title"><h2 class="title is-5" id="profile-title">Profile</h2><Profile user={user} pendingEmail={pending?.email ?? null} /></article>
          <article class="box" aria-labelledby="sessions-title"><h2 class="title is-5" id="sessions-title">Sessions</h2><Sessions sessions={sessions} /></article>
          {sections.map((s, i) => {
            const r = loaded[i] as { ok: boolean; v: unknown }
            return <SectionBox section={s} data={r.ok ? r.v : null} userId={id} failed={!r.ok} />
          })}
          <p><a href={`/admin/audit?user=${id}`}>Audit log for this user</a></p>
        </div>
        <div class="column is-5">
          <h2 class="title is-5">Actions</h2>
          <Actions user={user} self={user.id === c.get('user')!.id} impersonateError={opts.impersonateError} />
        </div>
      </div>
    </AdminFrame>,
    { title: `${user.name} · Admin` },
  )
}

// Reads only (ADR 0106): the profile, sessions and every feature's section come from Postgres.
export const userPageRoutes = new Hono<AppEnv>().get('/admin/users/:id', readsOnly, ...adminGate, async (c) => {
  const id = c.req.param('id')
  if (!isUuid(id)) return notFound(c)
  return renderUserPage(c, id)
})
