import type { AdminPanel } from '../platform/feature'
import { countDeliveriesToday } from './admin'

// Mails created today by status, for the admin overview (issue 13).
export const mailTodayPanel: AdminPanel<Awaited<ReturnType<typeof countDeliveriesToday>>> = {
  id: 'mail-today',
  title: 'Mail today',
  order: 40,
  load: (db) => countDeliveriesToday(db, new Date()),
  render: (m) => (
    <div class="columns is-mobile is-multiline">
      <div class="column"><p class="heading">Queued</p><p class="title is-4">{m.queued}</p></div>
      <div class="column"><p class="heading">Sent</p><p class="title is-4">{m.sent}</p></div>
      <div class="column">
        <p class="heading">Failed</p>
        <p class={`title is-4${m.failed > 0 ? ' has-text-danger-dark' : ''}`}>{m.failed}</p>
        {m.failed > 0 && <a href="/admin/mail?status=failed">See failed mail</a>}
      </div>
    </div>
  ),
}
