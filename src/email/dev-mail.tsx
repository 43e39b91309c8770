import { Hono } from 'hono'
import { z } from 'zod'
import { developmentOnly } from '../platform/dev-surface'
import type { AppContext, AppEnv } from '../platform/types'
import { isTemplateName, templates } from '../../templates'
import { findOutboxMail, listOutbox, OUTBOX_LIMIT } from './outbox'
import { appInfo, renderEmail } from './render'

// The local outbox (docs/email.md): what the consumer stored instead of sending, because no
// RESEND_API_KEY is set. Development only (every /dev/ path is a 404 elsewhere), and only under a
// configured host name (platform/dev-surface.ts).

// A stored mail is untrusted HTML (it quotes contact messages): shown only in a sandboxed frame, with
// no scripts, no requests but images, and links that open in a new tab.
const RAW_MAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox"

function rawMail(c: AppContext, html: string) {
  c.header('Content-Security-Policy', RAW_MAIL_CSP)
  c.header('X-Frame-Options', 'SAMEORIGIN')
  c.header('Cache-Control', 'no-store')
  return c.html(html)
}

interface ShownMail {
  frameSrc: string
  title: string
  meta: string[]
  text: string
}

function MailCard({ mail }: { mail: ShownMail }) {
  return (
    <article class="box mb-5">
      <h2 class="title is-5 mb-2">{mail.title}</h2>
      <p class="is-size-7 has-text-grey mb-4">{mail.meta.join(' · ')}</p>
      <div class="columns">
        <div class="column is-7">
          <h3 class="is-size-7 has-text-weight-semibold mb-1">HTML</h3>
          <iframe class="mail-frame" src={mail.frameSrc} title={`HTML version: ${mail.title}`} sandbox="allow-popups allow-popups-to-escape-sandbox" loading="lazy"></iframe>
        </div>
        <div class="column is-5">
          <h3 class="is-size-7 has-text-weight-semibold mb-1">Text</h3>
          {/* Scrolls when long: focusable so a keyboard can scroll it too (WCAG 2.1.1, axe scrollable-region-focusable). */}
          <pre class="mail-text" tabindex={0} role="region" aria-label={`Text version: ${mail.title}`}>{mail.text}</pre>
        </div>
      </div>
    </article>
  )
}

const recipientFilter = z.email().optional().catch(undefined)

export const devMailRoutes = new Hono<AppEnv>()
  .use('/dev/*', developmentOnly)
  .get('/dev/mail.json', async (c) => {
    const to = recipientFilter.parse(c.req.query('to'))
    const mails = await listOutbox(c.get('db'), { to })
    c.header('Cache-Control', 'no-store')
    return c.json(mails.map((m) => ({ id: m.id, to: m.recipient, template: m.template, subject: m.subject, html: m.html, text: m.text, createdAt: m.createdAt.toISOString() })))
  })
  .get('/dev/mail', async (c) => {
    const to = recipientFilter.parse(c.req.query('to'))
    const mails = await listOutbox(c.get('db'), { to })
    c.header('Cache-Control', 'no-store')
    return c.render(
      <section class="section">
        <div class="container">
          <h1 class="title">Outbox</h1>
          <p class="subtitle is-6">
            Mail that would have been sent: no RESEND_API_KEY is set. Newest first, at most {OUTBOX_LIMIT}.{' '}
            <a href={`/dev/mail.json${to ? `?to=${encodeURIComponent(to)}` : ''}`}>As JSON</a> ·{' '}
            <a href="/dev/mail/templates">All templates with sample data</a>
          </p>
          <form method="get" action="/dev/mail" class="field has-addons mb-5" role="search">
            <div class="control">
              <label class="is-sr-only" for="outbox-to">Recipient</label>
              <input id="outbox-to" class="input" type="email" name="to" value={to ?? ''} placeholder="Only mail to…" />
            </div>
            <div class="control"><button class="button" type="submit">Filter</button></div>
          </form>
          {mails.length === 0 && <p class="notification is-light">The outbox is empty. Mail appears here about a second after it is queued.</p>}
          {mails.map((m) => (
            <MailCard mail={{ frameSrc: `/dev/mail/${m.id}`, title: m.subject, text: m.text, meta: [`To ${m.recipient}`, m.template, m.createdAt.toISOString()] }} />
          ))}
        </div>
      </section>,
      { title: 'Outbox' },
    )
  })
  .get('/dev/mail/templates', async (c) => {
    const app = appInfo(c.env)
    const mails = await Promise.all(Object.entries(templates).map(async ([name, t]) => ({ name, mail: await renderEmail(name as keyof typeof templates, t.preview, app) })))
    return c.render(
      <section class="section">
        <div class="container">
          <h1 class="title">Email templates</h1>
          <p class="subtitle is-6">Every template rendered with its sample props (templates/*.tsx). <a href="/dev/mail">Back to the outbox</a></p>
          {mails.map(({ name, mail }) => <MailCard mail={{ frameSrc: `/dev/mail/templates/${name}`, title: mail.subject, text: mail.text, meta: [name] }} />)}
        </div>
      </section>,
      { title: 'Email templates' },
    )
  })
  .get('/dev/mail/templates/:name', async (c) => {
    const name = c.req.param('name')
    if (!isTemplateName(name)) return c.notFound()
    return rawMail(c, (await renderEmail(name, templates[name].preview, appInfo(c.env))).html)
  })
  .get('/dev/mail/:id', async (c) => {
    const id = z.uuid().safeParse(c.req.param('id'))
    const mail = id.success ? await findOutboxMail(c.get('db'), id.data) : undefined
    if (!mail) return c.notFound()
    return rawMail(c, mail.html)
  })
