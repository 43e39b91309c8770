/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { CallToAction, Code, EmailLayout, Fine, Paragraph } from './layout'

export default defineTemplate({
  props: z.object({
    name: field.name,
    verifyUrl: field.url,
    // The format src/auth/email-verification.ts generates; the gallery's sample must look the same.
    code: z.string().regex(/^\d{8}$/, 'the 8-digit verification code'),
    expiresInMinutes: z.number().int().positive(),
  }),
  subject: (_p, app) => `Verify your email address for ${app.name}`,
  Email: ({ app, name, verifyUrl, code, expiresInMinutes }) => (
    <EmailLayout
      app={app}
      preview={`Your verification code is ${code}`}
      heading="Verify your email address"
      reason={`You received this email because this address was used to sign up for ${app.name}.`}
    >
      <Paragraph>Hi {name},</Paragraph>
      <Paragraph>Confirm that this is your email address to finish setting up your account.</Paragraph>
      <CallToAction href={verifyUrl}>Verify email address</CallToAction>
      <Paragraph>Or enter this code on the verification page:</Paragraph>
      <Code>{code}</Code>
      <Fine>The link and the code expire in {expiresInMinutes} minutes and work once. If you did not sign up, ignore this email.</Fine>
    </EmailLayout>
  ),
  preview: { name: 'Ada Lovelace', verifyUrl: 'https://app.example.com/verify-email?token=sample-token', code: '48213790', expiresInMinutes: 10 },
})
