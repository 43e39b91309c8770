/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { EmailLayout, Fine, Paragraph, Quote } from './layout'

// An admin's answer to a contact message (issue 13, /admin/messages). The reply text is the admin's own;
// the original message is quoted so the visitor knows what it answers.
export default defineTemplate({
  props: z.object({ name: field.name, subject: field.text(150), reply: field.text(5000), originalMessage: field.text(5000) }),
  subject: ({ subject }, app) => `Re: ${subject} — ${app.name}`,
  Email: ({ app, name, subject, reply, originalMessage }) => (
    <EmailLayout
      app={app}
      preview={`A reply to your message "${subject}"`}
      heading="A reply to your message"
      reason={`You received this email because you wrote to ${app.name} through its contact form.`}
    >
      <Paragraph>Hi {name},</Paragraph>
      <Quote>{reply}</Quote>
      <Fine>You wrote:</Fine>
      <Quote>{originalMessage}</Quote>
    </EmailLayout>
  ),
  preview: { name: 'Grace Hopper', subject: 'Pricing for a team of 12', reply: 'Hello Grace,\n\nYes: the Business plan has annual billing for teams.', originalMessage: 'Do you offer an annual plan for a team of 12?' },
})
