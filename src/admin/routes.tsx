import { Hono } from 'hono'
import { requireAdmin } from '../auth/guards'
import type { AppEnv } from '../platform/types'
import { getAdminOverview, RECENT_LIMIT, type AdminOverview } from './overview'

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
const when = (d: Date) => `${dateTime.format(d)} UTC`

function Stat({ label, value, tone }: { label: string; value: number; tone?: 'danger' }) {
  return (
    <div class="column">
      <div class="box has-text-centered">
        <p class="heading">{label}</p>
        <p class={`title is-4${tone && value > 0 ? ' has-text-danger-dark' : ''}`}>{value}</p>
      </div>
    </div>
  )
}

const STATUS_TAG = { queued: 'is-warning', sent: 'is-success', failed: 'is-danger' } as const

function AdminPage({ o }: { o: AdminOverview }) {
  return (
    <section class="section">
      <div class="container">
        <h1 class="title">Admin</h1>
        <p class="subtitle">Users, messages from the contact form, and transactional mail.</p>
        <div class="columns is-multiline">
          <Stat label="Users" value={o.users.total} />
          <Stat label="Verified" value={o.users.verified} />
          <Stat label="Admins" value={o.users.admins} />
          <Stat label="Mail sent" value={o.mail.sent} />
          <Stat label="Mail queued" value={o.mail.queued} />
          <Stat label="Mail failed" value={o.mail.failed} tone="danger" />
        </div>

        <h2 class="title is-4 mt-5" id="messages">Contact messages</h2>
        {o.messages.length === 0 ? <p>No messages yet.</p> : (
          // Visitors wrote this: hx-disable keeps htmx from acting on anything inside (checklist 16);
          // the text itself is escaped by hono/jsx.
          <div class="admin-messages" hx-disable>
            {o.messages.map((m) => (
              <article class="box" aria-labelledby={`msg-${m.id}`}>
                <h3 class="title is-6 mb-1" id={`msg-${m.id}`}>{m.subject}</h3>
                <p class="is-size-7 has-text-grey-dark mb-2">{m.name} · {m.email} · {when(m.createdAt)}</p>
                <p class="admin-message-body">{m.message}</p>
              </article>
            ))}
          </div>
        )}

        <h2 class="title is-4 mt-5" id="mail">Mail deliveries <span class="is-size-6 has-text-grey-dark">(newest {RECENT_LIMIT})</span></h2>
        {o.deliveries.length === 0 ? <p>No mail yet.</p> : (
          <div class="table-container" tabindex={0} role="region" aria-labelledby="mail">
            <table class="table is-fullwidth is-striped">
              <thead>
                <tr><th scope="col">When</th><th scope="col">Template</th><th scope="col">To</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Error</th></tr>
              </thead>
              <tbody>
                {o.deliveries.map((d) => (
                  <tr>
                    <td class="nowrap">{when(d.createdAt)}</td>
                    <td>{d.template}</td>
                    <td>{d.recipient}</td>
                    <td><span class={`tag is-light ${STATUS_TAG[d.status]}`}>{d.status}</span></td>
                    <td>{d.attempts}</td>
                    <td>{d.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}

        <h2 class="title is-4 mt-5" id="users">Newest users</h2>
        <div class="table-container" tabindex={0} role="region" aria-labelledby="users">
          <table class="table is-fullwidth is-striped">
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Verified</th><th scope="col">Joined</th></tr>
            </thead>
            <tbody>
              {o.newestUsers.map((u) => (
                <tr>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>{u.role}</td>
                  <td>{u.verified ? 'yes' : 'no'}</td>
                  <td class="nowrap">{when(u.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  )
}

export const adminRoutes = new Hono<AppEnv>().get('/admin', requireAdmin, async (c) => {
  c.header('Cache-Control', 'no-store')
  return c.render(<AdminPage o={await getAdminOverview(c.get('db'))} />, { title: 'Admin' })
})
