import type { z } from 'zod'
import contactReceived from './contact-received'
import contactReply from './contact-reply'
import credentialsRevoked from './credentials-revoked'
import duplicateSubscription from './duplicate-subscription'
import emailChanged from './email-changed'
import oauthLinkConfirm from './oauth-link-confirm'
import passwordReset from './password-reset'
import paymentFailed from './payment-failed'
import paymentReceipt from './payment-receipt'
import quotaWarning from './quota-warning'
import securityNotice from './security-notice'
import subscriptionChanged from './subscription-changed'
import verifyEmail from './verify-email'
import welcome from './welcome'

// Every mail the product sends. Adding one: a file beside this one, a line here (docs/email.md).
export const templates = {
  'verify-email': verifyEmail,
  'password-reset': passwordReset,
  welcome,
  'email-changed': emailChanged,
  'credentials-revoked': credentialsRevoked,
  'contact-received': contactReceived,
  'contact-reply': contactReply,
  'payment-receipt': paymentReceipt,
  'payment-failed': paymentFailed,
  'subscription-changed': subscriptionChanged,
  'duplicate-subscription': duplicateSubscription,
  'quota-warning': quotaWarning,
  'security-notice': securityNotice,
  'oauth-link-confirm': oauthLinkConfirm,
}

export type TemplateName = keyof typeof templates
export type TemplateProps<N extends TemplateName> = z.input<(typeof templates)[N]['props']>

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(templates, name)
}

export type { AppInfo } from './layout'
