import { Hono } from 'hono'
import { sendEmail } from '../email'
import { getContactMessage, listContactMessages, setContactMessageHandled, type ContactMessage } from '../pages'
import { renderError } from '../platform/errors'
import { formBodyLimit, readForm, redirectAfterPost } from '../platform/forms'
import { setFlash } from '../platform/flash'
import { configOf, type AppContext, type AppEnv } from '../platform/types'
import { ADMIN_FORM_MAX_BYTES, adminGate, adminThrottle, notFound, pageParam, recordAdminAction } from './http'
import { isUuid, formatDateTime } from '../platform/format'
import { EmptyState } from '../platform/components'
import { AdminFrame, Pager, wantsFragment } from './views/common'

const REPLY_MAX = 5000

function Message({ m }: { m: ContactMessage }) {
  const base = `/admin/messages/${m.id}`
  return (
    <article class="box" aria-labelledby={`msg-${m.id}`}>
      <h2 class="title is-6 mb-1" id={`msg-${m.id}`}>
        {m.subject} {m.handledAt ? <span class="tag is-success is-light">handled</span> : <span class="tag is-warning is-light">open</span>}
      </h2>
      <p class="is-size-7 has-text-grey-dark mb-2">{m.name} · {m.email} · {formatDateTime(m.createdAt)}</p>
      {/* Visitors wrote this: hx-disable keeps htmx from acting on anything inside (checklist 16); the
          text itself is escaped by hono/jsx. */}
      <div hx-disable><p class="admin-message-body">{m.message}</p></div>
      <details class="mt-3">
        <summary>Reply by mail</summary>
        <form method="post" action={`${base}/reply`} class="mt-2">
          <div class="field">
            <label class="label" for={`reply-${m.id}`}>Your reply to {m.email}</label>
            <div class="control"><textarea class="textarea" id={`reply-${m.id}`} name="reply" required maxlength={REPLY_MAX} rows={5}></textarea></div>
          </div>
          <button class="button is-primary" type="submit">Send reply</button>
        </form>
      </details>
      <form method="post" action={`${base}/handled`} class="mt-3">
        <input type="hidden" name="handled" value={m.handledAt ? 'no' : 'yes'} />
        <button class="button is-small is-light" type="submit">{m.handledAt ? 'Reopen' : 'Mark handled'}</button>
      </form>
    </article>
  )
}

function Results({ rows, page, hasMore, query }: { rows: ContactMessage[]; page: number; hasMore: boolean; query: URLSearchParams }) {
  return (
    <div id="message-results">
      {rows.length === 0 ? <EmptyState icon="inbox" title="No messages here"><p>Messages sent from the contact page arrive here.</p></EmptyState> : rows.map((m) => <Message m={m} />)}
      <Pager base="/admin/messages" query={query} page={page} hasMore={hasMore} target="#message-results" />
    </div>
  )
}

function messageId(c: AppContext): string | null {
  const id = c.req.param('id')
  return id && isUuid(id) ? id : null
}

export const messageRoutes = new Hono<AppEnv>()
  .get('/admin/messages', ...adminGate, async (c) => {
    const show = c.req.query('show') === 'handled' ? 'handled' : c.req.query('show') === 'all' ? 'all' : 'open'
    const query = new URLSearchParams(show === 'open' ? {} : { show })
    const result = await listContactMessages(c.get('db'), { handled: show === 'all' ? undefined : show === 'handled', page: pageParam(c.req.query('page')) })
    const results = <Results rows={result.rows} page={result.page} hasMore={result.hasMore} query={query} />
    if (wantsFragment(c.req)) return c.html(results)
    return c.render(
      <AdminFrame path="/admin/messages" title="Contact messages">
        <div class="buttons">
          {(['open', 'handled', 'all'] as const).map((s) => (
            <a class={`button is-small${s === show ? ' is-primary' : ''}`} href={s === 'open' ? '/admin/messages' : `/admin/messages?show=${s}`} aria-current={s === show ? 'page' : undefined}>{s[0]!.toUpperCase() + s.slice(1)}</a>
          ))}
        </div>
        {results}
      </AdminFrame>,
      { title: 'Messages · Admin' },
    )
  })
  .post('/admin/messages/:id/handled', ...adminGate, adminThrottle, formBodyLimit({ maxSize: ADMIN_FORM_MAX_BYTES }), async (c) => {
    const id = messageId(c)
    const handled = (await readForm(c)).handled !== 'no'
    if (!id || !(await setContactMessageHandled(c.get('db'), id, handled, new Date()))) return notFound(c, 'Message')
    await recordAdminAction(c, handled ? 'admin.message.handled' : 'admin.message.reopened', { type: 'contact_message', id })
    setFlash(c, 'success', handled ? 'Marked as handled.' : 'Reopened.')
    return redirectAfterPost(c, '/admin/messages')
  })
  .post('/admin/messages/:id/reply', ...adminGate, adminThrottle, formBodyLimit({ maxSize: ADMIN_FORM_MAX_BYTES }), async (c) => {
    const id = messageId(c)
    const db = c.get('db')
    const message = id ? await getContactMessage(db, id) : null
    if (!id || !message) return notFound(c, 'Message')
    const reply = ((await readForm(c)).reply ?? '').trim()
    if (reply.length === 0 || reply.length > REPLY_MAX) {
      return renderError(c, { status: 422, title: 'Reply not sent', message: `Write a reply of 1 to ${REPLY_MAX.toLocaleString('en')} characters.` })
    }
    await sendEmail({ db, queue: c.env.EMAIL }, {
      template: 'contact-reply', to: message.email, replyTo: configOf(c).ADMIN_EMAIL,
      props: { name: message.name, subject: message.subject, reply, originalMessage: message.message },
    })
    await setContactMessageHandled(db, id, true, new Date())
    await recordAdminAction(c, 'admin.message.replied', { type: 'contact_message', id })
    setFlash(c, 'success', `Your reply to ${message.email} is on its way; the message is marked handled.`)
    return redirectAfterPost(c, '/admin/messages')
  })
