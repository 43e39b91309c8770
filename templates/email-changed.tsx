/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { EmailLayout, Fine, Paragraph, TextLink } from './layout'

// Sent to the OLD address after a change, so that the owner notices a takeover (security checklist 11; ASVS 7.5.1).
export default defineTemplate({
  props: z.object({ name: field.name, oldEmail: field.email, newEmail: field.email }),
  subject: (_p, app) => `Your ${app.name} email address was changed`,
  Email: ({ app, name, oldEmail, newEmail }) => (
    <EmailLayout
      app={app}
      preview={`Your account email is now ${newEmail}`}
      heading="Your email address was changed"
      reason={`You received this email at ${oldEmail} because it was the address of your ${app.name} account.`}
    >
      <Paragraph>Hi {name},</Paragraph>
      <Paragraph>
        The email address of your account was changed from {oldEmail} to {newEmail}. From now on we send
        everything to the new address.
      </Paragraph>
      <Paragraph>
        If you made this change, there is nothing else to do. If you did not, reset your password at once
        and <TextLink href={new URL('/contact', app.url).toString()}>contact us</TextLink>.
      </Paragraph>
      <Fine>This notice goes to your previous address only.</Fine>
    </EmailLayout>
  ),
  preview: { name: 'Ada Lovelace', oldEmail: 'ada@old.example.com', newEmail: 'ada@new.example.com' },
})
