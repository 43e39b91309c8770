/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { CallToAction, Details, EmailLayout, Paragraph } from './layout'

// Two live subscriptions on one account (two checkouts paid, issue 19): the later one is canceled at once
// and its unused time credited. The customer is told, and so is the operator (`audience: 'admin'`).
export default defineTemplate({
  props: z.object({
    audience: z.enum(['user', 'admin']), name: field.name, email: field.email,
    kept: field.text(100), canceled: field.text(100), billingUrl: field.url,
  }),
  subject: ({ audience, email }, app) => audience === 'admin'
    ? `${app.name}: a duplicate subscription of ${email} was canceled`
    : `We canceled a duplicate ${app.name} subscription`,
  Email: ({ app, audience, name, email, kept, canceled, billingUrl }) => (
    <EmailLayout
      app={app}
      preview={`Duplicate subscription canceled: ${canceled}`}
      heading="A duplicate subscription was canceled"
      reason={audience === 'admin' ? `You received this email because you operate ${app.name}.` : `You received this email because you manage a subscription at ${app.name}.`}
    >
      <Paragraph>Hi {audience === 'admin' ? 'there' : name},</Paragraph>
      <Paragraph>
        {audience === 'admin'
          ? `${name} (${email}) paid two checkouts, so the account had two live subscriptions. The one started later was canceled at once; the unused part of its charge is credited to the customer's Stripe balance. Refund it to the card from the Stripe dashboard if the customer asks.`
          : 'Two checkouts were paid on your account, so it had two subscriptions. We kept the first and canceled the second at once; the unused part of its charge is credited to your account and taken off your next invoices.'}
      </Paragraph>
      <Details items={[['Kept', kept], ['Canceled', canceled]]} />
      <CallToAction href={billingUrl}>{audience === 'admin' ? 'Open the account' : 'See your billing'}</CallToAction>
    </EmailLayout>
  ),
  preview: { audience: 'user', name: 'Ada Lovelace', email: 'ada@example.com', kept: 'Pro', canceled: 'Business', billingUrl: 'https://app.example.com/billing' },
})
