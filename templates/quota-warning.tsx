/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { CallToAction, Details, EmailLayout, Paragraph } from './layout'
import { formatBytes, formatCount } from '../src/platform/format'

// Storage is a size (the same KiB/MiB/GiB as every page, issue 20) and a level: it is not reset by a new
// period, so its mail says how to make room instead.
const amount = (unit: 'count' | 'bytes', n: number) => (unit === 'bytes' ? formatBytes(n) : formatCount(n))
const usedText = ({ unit, used, limit, metric }: { unit: 'count' | 'bytes'; used: number; limit: number; metric: string }) =>
  unit === 'bytes' ? `${amount(unit, used)} of ${amount(unit, limit)} of ${metric}` : `${amount(unit, used)} of ${amount(unit, limit)} ${metric}`

export default defineTemplate({
  props: z.object({
    name: field.name,
    metric: field.text(100),
    used: z.number().nonnegative(),
    limit: z.number().positive(),
    percent: z.number().nonnegative(),
    upgradeUrl: field.url,
    unit: z.enum(['count', 'bytes']).default('count'),
  }),
  subject: ({ metric, percent }, app) => `You have used ${Math.round(percent)}% of your ${metric} on ${app.name}`,
  Email: ({ app, name, metric, used, limit, percent, upgradeUrl, unit }) => (
    <EmailLayout
      app={app}
      preview={`${usedText({ unit, used, limit, metric })} used`}
      heading={`You are at ${Math.round(percent)}% of your ${metric}`}
      reason={`You received this email because your ${app.name} account is close to a limit of its plan.`}
    >
      <Paragraph>Hi {name},</Paragraph>
      <Paragraph>
        {unit === 'bytes'
          ? 'Your account is close to the storage limit of its plan. When it is reached, new files are refused until you delete some or upgrade.'
          : `Your account is close to the limit of its plan. When the limit is reached, further ${metric} are refused until the period resets.`}
      </Paragraph>
      <Details items={[['Used', usedText({ unit, used, limit, metric })], ['Share of the limit', `${Math.round(percent)}%`]]} />
      <CallToAction href={upgradeUrl}>Upgrade your plan</CallToAction>
    </EmailLayout>
  ),
  preview: { name: 'Ada Lovelace', metric: 'API requests', used: 40_000, limit: 50_000, percent: 80, upgradeUrl: 'https://app.example.com/billing' },
})
