/** @jsxImportSource react */
import { z } from 'zod'
import { defineTemplate, field } from './define'
import { CallToAction, EmailLayout, Fine, Paragraph, TextLink } from './layout'

// Sent when the ways into an account change or a fallback is used (issue 22): a provider linked or
// unlinked, a first password set, a password changed or reset, a passkey added or removed, two-factor codes
// turned on or off, a recovery code used. The owner learns of it at once and, if it was not them, what to do.
const WHAT_HAPPENED = {
  provider_linked: (d: string) => `${d} was linked to your account: it can now be used to sign in.`,
  provider_unlinked: (d: string) => `${d} was unlinked from your account: it can no longer be used to sign in.`,
  passkey_added: (d: string) => `A passkey (“${d}”) was added to your account.`,
  passkey_removed: (d: string) => `The passkey “${d}” was removed from your account.`,
  two_factor_enabled: () => 'Two-factor authentication was turned on: signing in now also asks for a code from your authenticator app.',
  two_factor_disabled: () => 'Two-factor authentication was turned off: signing in no longer asks for a code.',
  recovery_code_used: (d: string) => `A recovery code was used to sign in to your account. ${d}`,
  recovery_codes_regenerated: () => 'New recovery codes were made for your account; the old ones no longer work.',
  // An account made through GitHub or Google that sets its first password (through the reset link).
  password_set: () => 'A password was set for your account: it can now also sign in with your email address and that password.',
  // The password itself changed: from settings (the current one was confirmed) or through a reset link.
  // If it was not the owner, the old password no longer works, so the way back is the reset link.
  password_changed: () => 'The password of your account was changed in its settings, and its other sessions were signed out. If it was not you, use “Forgot password?” on the log-in page to choose a new one.',
  password_reset: () => 'The password of your account was reset with a link sent to this address, and every session was signed out. If it was not you, use “Forgot password?” on the log-in page to choose a new one.',
} as const

export type SecurityChange = keyof typeof WHAT_HAPPENED

const SUBJECT: Record<SecurityChange, string> = {
  provider_linked: 'A sign-in method was added',
  provider_unlinked: 'A sign-in method was removed',
  passkey_added: 'A passkey was added',
  passkey_removed: 'A passkey was removed',
  two_factor_enabled: 'Two-factor authentication is on',
  two_factor_disabled: 'Two-factor authentication is off',
  recovery_code_used: 'A recovery code was used',
  recovery_codes_regenerated: 'New recovery codes were made',
  password_set: 'A sign-in method was added',
  password_changed: 'Your password was changed',
  password_reset: 'Your password was reset',
}

export default defineTemplate({
  props: z.object({
    name: field.name,
    change: z.enum(Object.keys(WHAT_HAPPENED) as [SecurityChange, ...SecurityChange[]]),
    // What changed, named for people: "GitHub (octocat)", a passkey's name, "3 recovery codes are left."
    // Empty for the changes that need none (two-factor on or off): field.text alone refuses ''.
    detail: z.union([z.literal(''), field.text(200)]).default(''),
    settingsUrl: field.url,
  }),
  subject: (p, app) => `${app.name}: ${SUBJECT[p.change]}`,
  Email: ({ app, name, change, detail, settingsUrl }) => (
    <EmailLayout
      app={app}
      preview={SUBJECT[change]}
      heading={SUBJECT[change]}
      reason={`You received this email because it is the address of your ${app.name} account, and the ways into it changed.`}
    >
      <Paragraph>Hi {name},</Paragraph>
      <Paragraph>{WHAT_HAPPENED[change](detail)}</Paragraph>
      <Paragraph>If this was you, there is nothing to do. You can review your sign-in methods and sessions in your settings.</Paragraph>
      <CallToAction href={settingsUrl}>Review your settings</CallToAction>
      <Paragraph>
        If it was not you, change your password at once, sign out your other sessions in settings and <TextLink href={new URL('/contact', app.url).toString()}>contact us</TextLink>.
      </Paragraph>
      <Fine>We send this for every change to how your account signs in; it cannot be turned off.</Fine>
    </EmailLayout>
  ),
  preview: { name: 'Ada Lovelace', change: 'provider_linked', detail: 'GitHub (ada)', settingsUrl: 'https://app.example.com/settings' },
})
