/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { CallToAction, EmailLayout, Fine, Paragraph } from './layout'

export default defineTemplate({
  props: z.object({ name: field.name, amount: field.text(40), billingUrl: field.url }),
  subject: ({ amount }, app) => `Action needed: your ${app.name} payment of ${amount} failed`,
  Email: ({ app, name, amount, billingUrl }) => (
    <EmailLayout
      app={app}
      preview="Update your payment method to keep your plan"
      heading="Your payment failed"
      reason={`You received this email because you have a paid subscription at ${app.name}.`}
    >
      <Paragraph>Hi {name},</Paragraph>
      <Paragraph>We could not charge {amount} to your payment method. Your bank or card issuer declined it.</Paragraph>
      <Paragraph>Please update your payment method so that your plan continues without interruption.</Paragraph>
      <CallToAction href={billingUrl}>Update payment method</CallToAction>
      <Fine>We will retry the payment automatically over the next days.</Fine>
    </EmailLayout>
  ),
  preview: { name: 'Ada Lovelace', amount: '$19.00', billingUrl: 'https://app.example.com/billing' },
})
