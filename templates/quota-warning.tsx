/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { CallToAction, Details, EmailLayout, Paragraph } from './layout'

const number = new Intl.NumberFormat('en-US')

export default defineTemplate({
  props: z.object({
    name: field.name,
    metric: field.text(100),
    used: z.number().nonnegative(),
    limit: z.number().positive(),
    percent: z.number().nonnegative(),
    upgradeUrl: field.url,
  }),
  subject: ({ metric, percent }, app) => `You have used ${Math.round(percent)}% of your ${metric} on ${app.name}`,
  Email: ({ app, name, metric, used, limit, percent, upgradeUrl }) => (
    <EmailLayout
      app={app}
      preview={`${number.format(used)} of ${number.format(limit)} ${metric} used`}
      heading={`You are at ${Math.round(percent)}% of your ${metric}`}
      reason={`You received this email because your ${app.name} account is close to a limit of its plan.`}
    >
      <Paragraph>Hi {name},</Paragraph>
      <Paragraph>Your account is close to the limit of its plan. When the limit is reached, further {metric} are refused until the period resets.</Paragraph>
      <Details items={[['Used', `${number.format(used)} of ${number.format(limit)} ${metric}`], ['Share of the limit', `${Math.round(percent)}%`]]} />
      <CallToAction href={upgradeUrl}>Upgrade your plan</CallToAction>
    </EmailLayout>
  ),
  preview: { name: 'Ada Lovelace', metric: 'API requests', used: 40_000, limit: 50_000, percent: 80, upgradeUrl: 'https://app.example.com/billing' },
})
