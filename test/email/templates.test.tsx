/** @jsxImportSource react */
import { describe, expect, it } from 'vitest'
import { createElement, type FunctionComponent } from 'react'
import { Button } from '@react-email/button'
import { Html } from '@react-email/html'
import { Link } from '@react-email/link'
import { Preview } from '@react-email/preview'
import { Text } from '@react-email/text'
import { renderEmail, TemplatePropsError } from '../../src/email/render'
import { toPlainText } from '../../src/email/plain-text'
import { templates, type TemplateName } from '../../templates'

const app = { name: 'Acme Cloud', url: 'https://acme.example.com' }

// The content each mail exists to carry, which must be in both its HTML and its text part.
const KEY_CONTENT: Record<TemplateName, { subject: RegExp; both: string[] }> = {
  'verify-email': { subject: /Verify your email address for Acme Cloud/, both: ['Ada Lovelace', 'https://app.example.com/verify-email?token=sample-token', '48213790', '10 minutes'] },
  'password-reset': { subject: /Reset your Acme Cloud password/, both: ['https://app.example.com/reset-password?token=sample-token', '60 minutes'] },
  welcome: { subject: /Welcome to Acme Cloud/, both: ['Ada Lovelace', 'https://app.example.com/dashboard'] },
  'email-changed': { subject: /email address was changed/, both: ['ada@old.example.com', 'ada@new.example.com', 'https://acme.example.com/contact'] },
  'credentials-revoked': { subject: /Your Acme Cloud API keys were revoked/, both: ['Ada Lovelace', 'password of your account was changed', 'API key “CI script” (qs_ab12cd34_…)', 'https://app.example.com/settings/api-keys'] },
  'contact-received': { subject: /^Contact form: Pricing for a team of 12$/, both: ['Grace Hopper', 'grace@example.com', 'Do you offer an annual plan for a team of 12?'] },
  'contact-reply': { subject: /^Re: Pricing for a team of 12 — Acme Cloud$/, both: ['Grace Hopper', 'the Business plan has annual billing', 'Do you offer an annual plan for a team of 12?'] },
  'payment-receipt': { subject: /receipt for \$19\.00/, both: ['$19.00', 'Pro plan, monthly', 'November 26, 2026', 'https://invoice.stripe.com/i/sample'] },
  'payment-failed': { subject: /payment of \$19\.00 failed/, both: ['$19.00', 'https://app.example.com/billing', 'Update payment method'] },
  'subscription-changed': { subject: /subscription has changed/, both: ['Pro', 'December 1, 2026', 'https://app.example.com/billing'] },
  'duplicate-subscription': { subject: /We canceled a duplicate Acme Cloud subscription/, both: ['Ada Lovelace', 'Pro', 'Business', 'credited to your account', 'https://app.example.com/billing'] },
  'quota-warning': { subject: /used 80% of your API requests/, both: ['40,000 of 50,000 API requests', '80%', 'https://app.example.com/billing'] },
  'security-notice': { subject: /A sign-in method was added/, both: ['GitHub (ada) was linked to your account', 'https://app.example.com/settings', 'If it was not you'] },
  'oauth-link-confirm': { subject: /Link GitHub to your Acme Cloud account\?/, both: ['GitHub (ada)', 'https://app.example.com/oauth/link?token=sample-token', '30 minutes'] },
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

describe('templates', () => {
  it('the registry and this test cover the same templates', () => {
    expect(Object.keys(KEY_CONTENT).sort()).toEqual(Object.keys(templates).sort())
  })

  it.each(Object.keys(templates) as TemplateName[])('%s renders its key content as HTML and as text', async (name) => {
    const mail = await renderEmail(name, templates[name].preview, app)
    const expected = KEY_CONTENT[name]
    expect(mail.subject).toMatch(expected.subject)
    expect(mail.html).toMatch(/^<!DOCTYPE html PUBLIC/)
    expect(mail.html).toMatch(/<html [^>]*lang="en"/)
    // The shared branded layout: app name on top, why-you-got-this and the app's address below.
    expect(mail.html).toContain('Acme Cloud')
    expect(mail.html).toContain('You received this email')
    expect(mail.text).toMatch(/^Acme Cloud\n/)
    expect(mail.text).toContain('You received this email')
    expect(mail.text).toContain('https://acme.example.com')
    for (const content of expected.both) {
      expect(mail.html).toContain(escapeHtml(content))
      expect(mail.text).toContain(content)
    }
    // Plain text is plain: no markup, no entities, no Outlook conditional comments, no preview filler.
    expect(mail.text).not.toMatch(/<\/?(html|head|body|div|p|a|span|table|tbody|tr|td|br|h1|strong|i)\b|<!--/i)
    expect(mail.text).not.toMatch(/&(amp|lt|gt|quot|#\d+);/)
    expect(mail.text).not.toMatch(/[\u200b-\u200f\ufeff]/)
  })

  it('the storage warning prints sizes as every page does (formatBytes), and how to make room', async () => {
    const mail = await renderEmail('quota-warning', { ...templates['quota-warning'].preview, metric: 'storage', unit: 'bytes', used: 85 * 1024 ** 2, limit: 100 * 1024 ** 2, percent: 85 }, app)
    expect(mail.subject).toMatch(/used 85% of your storage/)
    for (const out of [mail.text, mail.html]) {
      expect(out).toContain('85 MiB of 100 MiB of storage')
      expect(out).toContain('delete some or upgrade')
      expect(out).not.toContain('89,128,960')
    }
  })

  it('the verification mail carries the link as a button and the code', async () => {
    const mail = await renderEmail('verify-email', templates['verify-email'].preview, app)
    expect(mail.html).toMatch(/<a href="https:\/\/app\.example\.com\/verify-email\?token=sample-token"[^>]*>/)
    expect(mail.text).toContain('Verify email address (https://app.example.com/verify-email?token=sample-token)')
    expect(mail.text).toMatch(/\n48213790\n/)
  })

  it('subscription-changed words each event its own way (issue 20)', async () => {
    const base = templates['subscription-changed'].preview
    const mail = (status: string) => renderEmail('subscription-changed', { ...base, status }, app)
    const scheduled = await mail('cancel_scheduled')
    expect(scheduled.subject).toMatch(/will end/)
    expect(scheduled.text).toContain('Active until: December 1, 2026')
    expect(scheduled.text).toContain('won’t be charged again')
    // Still active: never "canceled", and no welcome for a resumed subscription.
    expect(`${scheduled.subject} ${scheduled.text}`).not.toMatch(/cancel(l)?ed/i)
    const resumed = await mail('resumed')
    expect(resumed.subject).toMatch(/continues/)
    expect(resumed.text).not.toMatch(/thank you for subscribing/i)
    expect((await mail('subscribed')).text).toMatch(/Thank you for subscribing/)
    expect((await mail('ended')).subject).toMatch(/has ended/)
    expect((await mail('changed')).subject).toMatch(/has changed/)
    // A mail queued before the kinds existed still renders, with the nearest kind's words.
    expect((await mail('active')).subject).toMatch(/continues/)
    expect((await mail('canceled')).subject).toMatch(/will end/)
    await expect(mail('paused')).rejects.toThrow(TemplatePropsError)
  })

  it('escapes what a user wrote in the HTML and keeps it verbatim, line breaks included, in the text', async () => {
    const message = 'Hi <script>alert(1)</script> & "bye"\nSecond line'
    const mail = await renderEmail('contact-received', { name: 'Eve <eve>', email: 'eve@example.com', subject: 'Hello\r\nBcc: victim@example.com', message }, app)
    expect(mail.html).not.toContain('<script>')
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;bye&quot;')
    expect(mail.text).toContain('Hi <script>alert(1)</script> & "bye"\nSecond line')
    expect(mail.subject).toBe('Contact form: Hello Bcc: victim@example.com')
  })

  it('rejects props that do not fit the template, naming the field', async () => {
    await expect(renderEmail('password-reset', { name: 'Ada', resetUrl: 'javascript:alert(1)', expiresInMinutes: 60 }, app)).rejects.toThrow(TemplatePropsError)
    await expect(renderEmail('password-reset', { name: 'Ada', resetUrl: 'javascript:alert(1)', expiresInMinutes: 60 }, app)).rejects.toThrow(/resetUrl/)
    await expect(renderEmail('welcome', { name: 'Ada' }, app)).rejects.toThrow(/dashboardUrl/)
    await expect(renderEmail('quota-warning', { ...templates['quota-warning'].preview, limit: 0 }, app)).rejects.toThrow(/limit/)
  })
})

describe('plain text from the React tree', () => {
  it('links, blocks, line breaks and skipped parts', () => {
    const text = toPlainText(
      <Html>
        <Preview>hidden preview</Preview>
        <Text>
          Hello   <Link href="https://a.example/x">there</Link>, mail <Link href="mailto:me@example.com">me@example.com</Link>
        </Text>
        <Text>one<br />two</Text>
        <Button href="https://a.example/go">Go</Button>
        <img src="https://a.example/logo.png" alt="logo" />
      </Html>,
    )
    expect(text).toBe('Hello there (https://a.example/x), mail me@example.com\n\none\ntwo\n\nGo (https://a.example/go)\n')
  })

  it('refuses what it cannot render rather than dropping it', () => {
    const Ctx = (props: { children: React.ReactNode }) => <>{props.children}</>
    expect(toPlainText(<Ctx><p>fine</p></Ctx>)).toBe('fine\n')
    class Legacy { render() { return null } }
    Object.assign(Legacy.prototype, { isReactComponent: {} })
    expect(() => toPlainText(<div>{createElement(Legacy as unknown as FunctionComponent)}</div>)).toThrow(/class component/)
  })
})
