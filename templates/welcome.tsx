/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { CallToAction, EmailLayout, Paragraph } from './layout'

export default defineTemplate({
  props: z.object({ name: field.name, dashboardUrl: field.url }),
  subject: (_p, app) => `Welcome to ${app.name}`,
  Email: ({ app, name, dashboardUrl }) => (
    <EmailLayout
      app={app}
      preview={`Your ${app.name} account is ready`}
      heading={`Welcome to ${app.name}, ${name}`}
      reason={`You received this email because you created an account at ${app.name}.`}
    >
      <Paragraph>Your email address is verified and your account is ready.</Paragraph>
      <Paragraph>Your dashboard is the place to start: your plan, your usage and your files are all there.</Paragraph>
      <CallToAction href={dashboardUrl}>Open your dashboard</CallToAction>
      <Paragraph>Questions? Just reply to this email.</Paragraph>
    </EmailLayout>
  ),
  preview: { name: 'Ada Lovelace', dashboardUrl: 'https://app.example.com/dashboard' },
})
