import { desc } from 'drizzle-orm'
import type { AdminPanel } from '../platform/feature'
import type { Database } from '../platform/db'
import { formatWhen } from '../platform/admin-ui'
import { contactMessages } from './schema'

export const RECENT_MESSAGES_LIMIT = 20

export function listRecentContactMessages(db: Database) {
  return db.select().from(contactMessages).orderBy(desc(contactMessages.createdAt)).limit(RECENT_MESSAGES_LIMIT)
}

export const contactMessagesAdminPanel: AdminPanel<Awaited<ReturnType<typeof listRecentContactMessages>>> = {
  id: 'messages',
  title: 'Contact messages',
  order: 10,
  load: (db) => listRecentContactMessages(db),
  render: (messages) => messages.length === 0 ? <p>No messages yet.</p> : (
    // Visitors wrote this: hx-disable keeps htmx from acting on anything inside (checklist 16);
    // the text itself is escaped by hono/jsx.
    <div class="admin-messages" hx-disable>
      {messages.map((m) => (
        <article class="box" aria-labelledby={`msg-${m.id}`}>
          <h3 class="title is-6 mb-1" id={`msg-${m.id}`}>{m.subject}</h3>
          <p class="is-size-7 has-text-grey-dark mb-2">{m.name} · {m.email} · {formatWhen(m.createdAt)}</p>
          <p class="admin-message-body">{m.message}</p>
        </article>
      ))}
    </div>
  ),
}
