/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { CallToAction, EmailLayout, Fine, Paragraph } from './layout'

// Sent when someone signs in with a provider whose verified address is this account's, while the account is
// not signed in (issue 22, ADR 0099): the provider is linked only if the owner confirms from this mailbox.
export default defineTemplate({
  props: z.object({
    name: field.name,
    provider: field.text(40),
    // The provider account, named for people: "GitHub (octocat)".
    account: field.text(200),
    confirmUrl: field.url,
    expiresInMinutes: z.number().int().positive(),
  }),
  subject: (p, app) => `Link ${p.provider} to your ${app.name} account?`,
  Email: ({ app, name, provider, account, confirmUrl, expiresInMinutes }) => (
    <EmailLayout
      app={app}
      preview={`Confirm linking ${provider} to your account`}
      heading={`Link ${provider} to your account?`}
      reason={`You received this email because someone tried to sign in to ${app.name} with ${provider} using this address.`}
    >
      <Paragraph>Hi {name},</Paragraph>
      <Paragraph>Someone signed in with {account}, which has this address, and your account already uses it. If it was you, confirm to link {provider}; you can then sign in with it.</Paragraph>
      <CallToAction href={confirmUrl}>Review and link {provider}</CallToAction>
      <Fine>The link expires in {expiresInMinutes} minutes and works once. Confirming does not sign you in.</Fine>
      <Fine>If it was not you, ignore this email: nothing is linked without your confirmation.</Fine>
    </EmailLayout>
  ),
  preview: { name: 'Ada Lovelace', provider: 'GitHub', account: 'GitHub (ada)', confirmUrl: 'https://app.example.com/oauth/link?token=sample-token', expiresInMinutes: 30 },
})
