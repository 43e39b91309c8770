/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { CallToAction, EmailLayout, Fine, Paragraph, TextLink } from './layout'

// Sent when a security event of the account (password change or reset, deactivation) ended the
// credentials programs use (API keys; security checklist 35, ADR 0083): the owner learns why their
// scripts stopped and, if they made no such change, that someone else did.
const WHAT_HAPPENED = {
  password_changed: 'The password of your account was changed.',
  password_reset: 'The password of your account was reset with a link sent to this address.',
  deactivated: 'An administrator deactivated your account.',
} as const

export default defineTemplate({
  props: z.object({
    name: field.name,
    reason: z.enum(['password_changed', 'password_reset', 'deactivated']),
    // How each ended credential is named: 'API key “CI script” (qs_ab12cd34_…)'. Never a secret.
    credentials: z.array(field.text(200)).min(1).max(50),
    settingsUrl: field.url,
  }),
  subject: (_p, app) => `Your ${app.name} API keys were revoked`,
  Email: ({ app, name, reason, credentials, settingsUrl }) => (
    <EmailLayout
      app={app}
      preview={`${credentials.length === 1 ? 'One API key' : `${credentials.length} API keys`} of your account no longer work`}
      heading="Your API keys were revoked"
      reason={`You received this email because it is the address of your ${app.name} account.`}
    >
      <Paragraph>Hi {name},</Paragraph>
      <Paragraph>{WHAT_HAPPENED[reason]} So that nothing issued before keeps working, we revoked:</Paragraph>
      {credentials.map((label) => <Paragraph key={label}>• {label}</Paragraph>)}
      <Paragraph>Programs that still use them now get the answer 401 invalid_api_key.</Paragraph>
      {reason === 'deactivated' ? (
        <Paragraph>
          If you think this is a mistake, <TextLink href={new URL('/contact', app.url).toString()}>contact us</TextLink>.
        </Paragraph>
      ) : (
        <>
          <Paragraph>If you made this change, create new keys and put them where the old ones were.</Paragraph>
          <CallToAction href={settingsUrl}>Create new API keys</CallToAction>
          <Paragraph>
            If you did not, reset your password at once and <TextLink href={new URL('/contact', app.url).toString()}>contact us</TextLink>.
          </Paragraph>
        </>
      )}
      <Fine>Revoked keys cannot be restored; new keys are shown once, when you create them.</Fine>
    </EmailLayout>
  ),
  preview: { name: 'Ada Lovelace', reason: 'password_changed', credentials: ['API key “CI script” (qs_ab12cd34_…)'], settingsUrl: 'https://app.example.com/settings/api-keys' },
})
