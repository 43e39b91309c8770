/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { CallToAction, Details, EmailLayout, Paragraph, formatDate } from './layout'

const STATUS = {
  active: { subject: 'is active', heading: 'Your subscription is active', body: 'Thank you for subscribing. Your plan is active.' },
  changed: { subject: 'has changed', heading: 'Your subscription has changed', body: 'Your plan has changed.' },
  canceled: { subject: 'is canceled', heading: 'Your subscription is canceled', body: 'Your subscription is canceled. You keep your plan until the date below, then your account moves to the free plan.' },
} as const

// One template for a new, changed or canceled subscription.
export default defineTemplate({
  props: z.object({ name: field.name, plan: field.text(100), status: z.enum(['active', 'canceled', 'changed']), effectiveDate: field.text(40), billingUrl: field.url }),
  subject: ({ status }, app) => `Your ${app.name} subscription ${STATUS[status].subject}`,
  Email: ({ app, name, plan, status, effectiveDate, billingUrl }) => (
    <EmailLayout
      app={app}
      preview={`${STATUS[status].heading}: ${plan}`}
      heading={STATUS[status].heading}
      reason={`You received this email because you manage a subscription at ${app.name}.`}
    >
      <Paragraph>Hi {name},</Paragraph>
      <Paragraph>{STATUS[status].body}</Paragraph>
      <Details items={[['Plan', plan], [status === 'canceled' ? 'Access until' : 'Effective', formatDate(effectiveDate)]]} />
      <CallToAction href={billingUrl}>{status === 'canceled' ? 'Resubscribe' : 'Manage your subscription'}</CallToAction>
    </EmailLayout>
  ),
  preview: { name: 'Ada Lovelace', plan: 'Pro', status: 'changed', effectiveDate: '2026-12-01', billingUrl: 'https://app.example.com/billing' },
})
