import { Hono } from 'hono'
import { Field, FormErrorSummary, Notice, TextArea, type FieldErrors } from '../platform/components'
import { setFlash } from '../platform/flash'
import { clientIp, formBodyLimit, parseForm, readForm, respondWithForm } from '../platform/forms'
import { isHtmxRequest } from '../platform/htmx'
import type { AppEnv } from '../platform/types'
import { contactInputSchema, createContactMessage } from './contact-message'
import { consumeContactAllowance, contactThrottleMessage } from './contact-throttle'
import { sendEmail } from '../email'

type ContactValues = Partial<Record<'name' | 'email' | 'subject' | 'message', string>>

// One component for the full page and the htmx fragment: htmx swaps the form's outerHTML.
function ContactForm({ values = {}, errors = {}, sent = false, notice }: { values?: ContactValues; errors?: FieldErrors; sent?: boolean; notice?: string }) {
  return (
    <form id="contact-form" method="post" action="/contact" hx-post="/contact" hx-target="this" hx-swap="outerHTML" novalidate>
      {sent && (
        <div class="notification is-success is-light" role="status">
          Thank you — your message has been sent. We will reply by email.
        </div>
      )}
      <Notice kind="danger" message={notice} />
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

function ContactPage(props: { values?: ContactValues; errors?: FieldErrors; notice?: string }) {
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

export const contactRoutes = new Hono<AppEnv>()
  .get('/contact', (c) => c.render(<ContactPage />, { title: 'Contact' }))
  .post(
    '/contact',
    // 5,000 characters of message can be up to ~60 kB once percent-encoded (multi-byte UTF-8).
    formBodyLimit({ title: 'Message too large', message: 'Your message is too large to send. Please shorten it to at most 5,000 characters.' }),
    async (c) => {
      const form = await readForm(c)
      const values: ContactValues = { name: form.name, email: form.email, subject: form.subject, message: form.message }
      const parsed = parseForm(contactInputSchema, values)
      if (!parsed.ok) {
        const errors = parsed.errors
        return respondWithForm(c, 422, <ContactForm values={values} errors={errors} />, <ContactPage values={values} errors={errors} />, 'Contact')
      }
      // Per client address, after validation so that fixing a typo costs nothing (issue 9, finding 3).
      const throttle = await consumeContactAllowance(c.env, clientIp(c), new Date())
      if (!throttle.allowed) {
        const notice = contactThrottleMessage(throttle.retryAfterSeconds)
        c.header('Retry-After', String(throttle.retryAfterSeconds))
        return respondWithForm(c, 429, <ContactForm values={values} notice={notice} />, <ContactPage values={values} notice={notice} />, 'Contact')
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
        c.get('log').error('contact: admin mail not queued', { error: err })
      }
      if (isHtmxRequest(c)) return c.html(<ContactForm sent />)
      setFlash(c, 'success', 'Thank you — your message has been sent. We will reply by email.')
      return c.redirect('/contact', 303)
    },
  )
