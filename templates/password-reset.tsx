/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { CallToAction, EmailLayout, Fine, Paragraph } from './layout'

export default defineTemplate({
  props: z.object({ name: field.name, resetUrl: field.url, expiresInMinutes: z.number().int().positive() }),
  subject: (_p, app) => `Reset your ${app.name} password`,
  Email: ({ app, name, resetUrl, expiresInMinutes }) => (
    <EmailLayout
      app={app}
      preview="Choose a new password for your account"
      heading="Reset your password"
      reason={`You received this email because a password reset was requested for your ${app.name} account.`}
    >
      <Paragraph>Hi {name},</Paragraph>
      <Paragraph>We received a request to reset the password of your account. Choose a new one here:</Paragraph>
      <CallToAction href={resetUrl}>Choose a new password</CallToAction>
      <Fine>The link expires in {expiresInMinutes} minutes and works once. Resetting signs you out everywhere.</Fine>
      <Fine>If you did not ask for this, ignore this email: your password stays as it is.</Fine>
    </EmailLayout>
  ),
  preview: { name: 'Ada Lovelace', resetUrl: 'https://app.example.com/reset-password?token=sample-token', expiresInMinutes: 60 },
})
