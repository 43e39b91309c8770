import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { Field, FormErrorSummary, TextArea, fieldErrorsFrom, type FieldErrors } from '../platform/components'
import { renderError } from '../platform/errors'
import { setFlash } from '../platform/flash'
import { isHtmxRequest } from '../platform/htmx'
import type { AppEnv } from '../platform/types'
import { contactInputSchema, createContactMessage } from './contact-message'
import { sendEmail } from '../email'

type ContactValues = Partial<Record<'name' | 'email' | 'subject' | 'message', string>>

// One component for the full page and the htmx fragment: htmx swaps the form's outerHTML.
function ContactForm({ values = {}, errors = {}, sent = false }: { values?: ContactValues; errors?: FieldErrors; sent?: boolean }) {
  return (
    <form id="contact-form" method="post" action="/contact" hx-post="/contact" hx-target="this" hx-swap="outerHTML" novalidate>
      {sent && (
        <div class="notification is-success is-light" role="status">
          Thank you — your message has been sent. We will reply by email.
        </div>
      )}
      <FormErrorSummary errors={errors} />
      <Field name="name" label="Your name" value={values.name} error={errors.name} required maxlength={100} autocomplete="name" />
      <Field name="email" label="Email" type="email" value={values.email} error={errors.email} required maxlength={254} autocomplete="email" />
      <Field name="subject" label="Subject" value={values.subject} error={errors.subject} required maxlength={150} />
      <TextArea name="message" label="Message" value={values.message} error={errors.message} required maxlength={5000} />
      <div class="field">
        <div class="control">
          <button class="button is-primary" type="submit">Send message</button>
        </div>
      </div>
    </form>
  )
}

function ContactPage(props: { values?: ContactValues; errors?: FieldErrors }) {
  return (
    <section class="section">
      <div class="container">
        <div class="columns">
          <div class="column is-half">
            <h1 class="title">Contact us</h1>
            <p class="subtitle">Questions, feedback or a partnership idea? We read every message.</p>
            <ContactForm {...props} />
          </div>
        </div>
      </div>
    </section>
  )
}

function formValues(body: Record<string, unknown>): ContactValues {
  const pick = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : undefined)
  return { name: pick('name'), email: pick('email'), subject: pick('subject'), message: pick('message') }
}

export const contactRoutes = new Hono<AppEnv>()
  .get('/contact', (c) => c.render(<ContactPage />, { title: 'Contact' }))
  .post(
    '/contact',
    // 5,000 characters of message can be up to ~60 kB once percent-encoded (multi-byte UTF-8).
    bodyLimit({
      maxSize: 64 * 1024,
      onError: (c) => renderError(c, { status: 413, title: 'Message too large', message: 'Your message is too large to send. Please shorten it to at most 5,000 characters.' }),
    }),
    async (c) => {
      const values = formValues(await c.req.parseBody())
      const parsed = contactInputSchema.safeParse(values)
      if (!parsed.success) {
        const errors = fieldErrorsFrom(parsed.error.issues)
        c.status(422)
        return isHtmxRequest(c)
          ? c.html(<ContactForm values={values} errors={errors} />)
          : c.render(<ContactPage values={values} errors={errors} />, { title: 'Contact' })
      }
      await createContactMessage(c.get('db'), parsed.data)
      // The admin hears of it by mail, queued (never sent on this request). The message is stored
      // either way, so a mail that cannot be queued is logged rather than shown as a failure.
      try {
        await sendEmail({ db: c.get('db'), queue: c.env.EMAIL }, {
          template: 'contact-received',
          to: c.env.ADMIN_EMAIL,
          replyTo: parsed.data.email,
          props: parsed.data,
        })
      } catch (err) {
        console.error(JSON.stringify({ level: 'error', requestId: c.get('requestId'), msg: 'contact: admin mail not queued', error: String(err) }))
      }
      if (isHtmxRequest(c)) return c.html(<ContactForm sent />)
      setFlash(c, 'success', 'Thank you — your message has been sent. We will reply by email.')
      return c.redirect('/contact', 303)
    },
  )
