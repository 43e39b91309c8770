/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { CallToAction, Details, EmailLayout, Paragraph, formatDate } from './layout'

// One mail per subscription event, each with its own words (issue 20): resuming is not "thank you for
// subscribing", and an end scheduled for the period's close is not "canceled" while the plan still runs.
// The date means what its label says: when it took effect, or the last day of the plan.
const KIND = {
  subscribed: {
    subject: 'is active', heading: 'Welcome to your new plan', dateLabel: 'Started', action: 'Manage your subscription',
    body: 'Thank you for subscribing. Your plan is active and its limits apply from now on.',
  },
  changed: {
    subject: 'has changed', heading: 'Your plan has changed', dateLabel: 'Effective', action: 'Manage your subscription',
    body: 'Your plan has changed. Its limits apply from now on; any difference in price is prorated on your invoices.',
  },
  resumed: {
    subject: 'continues', heading: 'Your subscription continues', dateLabel: 'Resumed', action: 'Manage your subscription',
    body: 'Your subscription is no longer set to end. It renews as usual, and nothing else changes.',
  },
  cancel_scheduled: {
    subject: 'will end', heading: 'Your subscription will end', dateLabel: 'Active until', action: 'Resume your subscription',
    body: 'Your subscription is set to end. Your plan stays active until the date below and you won’t be charged again; then your account moves to the free plan. You can resume it any time before then.',
  },
  ended: {
    subject: 'has ended', heading: 'Your subscription has ended', dateLabel: 'Ended', action: 'Choose a plan',
    body: 'Your subscription has ended and your account is now on the free plan. You can subscribe again at any time.',
  },
} as const

export type SubscriptionMailKind = keyof typeof KIND
const KINDS = Object.keys(KIND) as [SubscriptionMailKind, ...SubscriptionMailKind[]]

// Mails queued before these kinds existed (a queued message may outlive a deploy) said 'active' for a new or
// resumed subscription and 'canceled' for an end dated with the plan's last day: read as the nearest kind.
const LEGACY: Record<string, SubscriptionMailKind> = { active: 'resumed', canceled: 'cancel_scheduled' }

export default defineTemplate({
  props: z.object({
    name: field.name, plan: field.text(100), effectiveDate: field.text(40), billingUrl: field.url,
    status: z.preprocess((value) => (typeof value === 'string' && Object.hasOwn(LEGACY, value) ? LEGACY[value] : value), z.enum(KINDS)),
  }),
  subject: ({ status }, app) => `Your ${app.name} subscription ${KIND[status].subject}`,
  Email: ({ app, name, plan, status, effectiveDate, billingUrl }) => (
    <EmailLayout
      app={app}
      preview={`${KIND[status].heading}: ${plan}`}
      heading={KIND[status].heading}
      reason={`You received this email because you manage a subscription at ${app.name}.`}
    >
      <Paragraph>Hi {name},</Paragraph>
      <Paragraph>{KIND[status].body}</Paragraph>
      <Details items={[['Plan', plan], [KIND[status].dateLabel, formatDate(effectiveDate)]]} />
      <CallToAction href={billingUrl}>{KIND[status].action}</CallToAction>
    </EmailLayout>
  ),
  preview: { name: 'Ada Lovelace', plan: 'Pro', status: 'changed', effectiveDate: '2026-12-01', billingUrl: 'https://app.example.com/billing' },
})
