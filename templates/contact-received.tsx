/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { Details, EmailLayout, Fine, Paragraph, Quote, TextLink } from './layout'

// To the site admin (ADMIN_EMAIL) when the contact form stores a message. Replying answers the sender:
// the contact route sets replyTo to their address.
export default defineTemplate({
  props: z.object({ name: field.name, email: field.email, subject: field.text(150), message: field.text(5000) }),
  subject: ({ subject }) => `Contact form: ${subject}`,
  Email: ({ app, name, email, subject, message }) => (
    <EmailLayout
      app={app}
      preview={`${name} wrote: ${subject}`}
      heading="New contact message"
      reason={`You received this email because this address is the admin address (ADMIN_EMAIL) of ${app.name}.`}
    >
      <Paragraph>Someone sent a message through the contact form.</Paragraph>
      <Details items={[['From', `${name} <${email}>`], ['Subject', subject]]} />
      <Quote>{message}</Quote>
      <Fine>
        Reply to this email to answer {name} directly, or write to <TextLink href={`mailto:${email}`}>{email}</TextLink>.
      </Fine>
    </EmailLayout>
  ),
  preview: { name: 'Grace Hopper', email: 'grace@example.com', subject: 'Pricing for a team of 12', message: 'Hello,\n\nDo you offer an annual plan for a team of 12?\n\nThanks, Grace' },
})
