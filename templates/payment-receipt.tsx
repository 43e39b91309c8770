/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { CallToAction, Details, EmailLayout, Paragraph, formatDate } from './layout'

// amount is formatted by the caller (currency and locale come from Stripe), e.g. "$19.00".
export default defineTemplate({
  props: z.object({ name: field.name, amount: field.text(40), description: field.text(200), invoiceUrl: field.url, date: field.text(40) }),
  subject: ({ amount }, app) => `Your ${app.name} receipt for ${amount}`,
  Email: ({ app, name, amount, description, invoiceUrl, date }) => (
    <EmailLayout
      app={app}
      preview={`We received your payment of ${amount}`}
      heading="Thank you for your payment"
      reason={`You received this email because you have a paid subscription at ${app.name}.`}
    >
      <Paragraph>Hi {name}, we received your payment. Here is your receipt:</Paragraph>
      <Details items={[['Amount paid', amount], ['For', description], ['Date', formatDate(date)]]} />
      <CallToAction href={invoiceUrl}>View invoice</CallToAction>
    </EmailLayout>
  ),
  preview: { name: 'Ada Lovelace', amount: '$19.00', description: 'Pro plan, monthly', invoiceUrl: 'https://invoice.stripe.com/i/sample', date: '2026-11-26' },
})
