import type { AdminPanel } from '../platform/feature'
import { countContactMessages } from './admin'

export const contactMessagesPanel: AdminPanel<Awaited<ReturnType<typeof countContactMessages>>> = {
  id: 'contact-messages',
  title: 'Contact messages',
  order: 50,
  load: (db) => countContactMessages(db),
  render: (m) => (
    <div class="columns is-mobile">
      <div class="column"><p class="heading">Open</p><p class="title is-4">{m.open}</p></div>
      <div class="column"><p class="heading">Total</p><p class="title is-4">{m.total}</p></div>
      <div class="column is-narrow"><a href="/admin/messages">Open the inbox</a></div>
    </div>
  ),
}
