import { Hono } from 'hono'
import { EMAIL_DELIVERY_STATUSES, listDeliveries, retryDelivery, type DeliveryRow, type EmailDeliveryStatus } from '../email'
import { renderError } from '../platform/errors'
import { formBodyLimit, redirectAfterPost } from '../platform/forms'
import { setFlash } from '../platform/flash'
import type { AppEnv } from '../platform/types'
import { ADMIN_FORM_MAX_BYTES, adminGate, adminThrottle, notFound, pageParam, recordAdminAction } from './http'
import { isUuid, formatDateTime } from '../platform/format'
import { AdminFrame, Pager, StackedTable, wantsFragment } from './views/common'

const STATUS_TAG = { queued: 'is-warning', sent: 'is-success', failed: 'is-danger' } as const

function Results({ rows, page, hasMore, query }: { rows: DeliveryRow[]; page: number; hasMore: boolean; query: URLSearchParams }) {
  return (
    <div id="mail-results">
      {rows.length === 0 ? <p>No mail here.</p> : (
        <StackedTable caption="Mail deliveries" head={['When', 'Template', 'To', 'Status', 'Attempts', 'Error', '']}>
          {rows.map((d) => (
            <tr>
              <td data-label="When" class="nowrap">{formatDateTime(d.createdAt)}</td>
              <td data-label="Template">{d.template}</td>
              <td data-label="To">{d.recipient}</td>
              <td data-label="Status"><span class={`tag is-light ${STATUS_TAG[d.status]}`}>{d.status}</span></td>
              <td data-label="Attempts">{d.attempts}</td>
              <td data-label="Error">{d.error ?? ''}</td>
              <td>
                {d.retryable ? (
                  <form method="post" action={`/admin/mail/${d.id}/retry`}>
                    <button class="button is-small" type="submit" aria-label={`Retry the ${d.template} mail to ${d.recipient}`}>Retry</button>
                  </form>
                ) : d.status === 'failed' ? <span class="is-size-7">The user asks for a new mail</span> : null}
              </td>
            </tr>
          ))}
        </StackedTable>
      )}
      <Pager base="/admin/mail" query={query} page={page} hasMore={hasMore} target="#mail-results" />
    </div>
  )
}

export const mailRoutes = new Hono<AppEnv>()
  .get('/admin/mail', ...adminGate, async (c) => {
    const raw = c.req.query('status')
    const status = (EMAIL_DELIVERY_STATUSES as readonly string[]).includes(raw ?? '') ? (raw as EmailDeliveryStatus) : undefined
    const query = new URLSearchParams(status ? { status } : {})
    const result = await listDeliveries(c.get('db'), { status, page: pageParam(c.req.query('page')) })
    const results = <Results rows={result.rows} page={result.page} hasMore={result.hasMore} query={query} />
    if (wantsFragment(c.req)) return c.html(results)
    return c.render(
      <AdminFrame path="/admin/mail" title="Mail deliveries" subtitle="Every transactional mail, newest first. Failed mails show their error.">
        <div class="buttons">
          {([undefined, ...EMAIL_DELIVERY_STATUSES] as const).map((s) => (
            <a class={`button is-small${s === status ? ' is-primary' : ''}`} href={s ? `/admin/mail?status=${s}` : '/admin/mail'} aria-current={s === status ? 'page' : undefined}>{s ?? 'All'}</a>
          ))}
        </div>
        {results}
      </AdminFrame>,
      { title: 'Mail · Admin' },
    )
  })
  .post('/admin/mail/:id/retry', ...adminGate, adminThrottle, formBodyLimit({ maxSize: ADMIN_FORM_MAX_BYTES }), async (c) => {
    const id = c.req.param('id')
    if (!isUuid(id)) return notFound(c, 'Mail')
    let result: Awaited<ReturnType<typeof retryDelivery>>
    try {
      result = await retryDelivery(c.get('db'), c.env.EMAIL, id)
    } catch (err) {
      // The queue refused it: retryDelivery put the row back to 'failed', so the button works again later.
      c.var.log.error('mail retry could not be queued', { id, error: String(err) })
      return renderError(c, { status: 503, title: 'Not queued', message: 'The mail queue refused the retry. The mail is still marked failed; try again in a moment.' })
    }
    if (!result.ok) {
      if (result.reason === 'not_found') return notFound(c, 'Mail')
      return renderError(c, result.reason === 'not_failed'
        ? { status: 409, title: 'Not failed', message: 'Only a failed mail can be retried; this one is queued or sent.' }
        : { status: 409, title: 'Cannot retry', message: 'This mail carried a one-time link or code and was not kept: the user asks for a new one (or resend verification from the user page).' })
    }
    await recordAdminAction(c, 'admin.mail.retried', { type: 'email_delivery', id }, { template: result.template })
    setFlash(c, 'success', 'The mail is queued again.')
    return redirectAfterPost(c, '/admin/mail?status=failed')
  })
