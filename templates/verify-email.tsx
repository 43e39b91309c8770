/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { CallToAction, Code, EmailLayout, Fine, Paragraph } from './layout'

export default defineTemplate({
  props: z.object({
    name: field.name,
    verifyUrl: field.url,
    code: z.string().regex(/^[A-Z0-9-]{4,16}$/i, 'a short code of letters and digits'),
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
  preview: { name: 'Ada Lovelace', verifyUrl: 'https://app.example.com/verify-email?token=sample-token', code: 'K7Q2-9XMP', expiresInMinutes: 60 },
})
