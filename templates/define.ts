import type { ReactElement } from 'react'
import { z } from 'zod'
import type { AppInfo } from './layout'

/**
 * One transactional mail: its props (validated when the mail is queued and again when it is rendered,
 * since a message may outlive a deploy), its subject, its React Email component and sample props (used
 * by the tests and the /dev/mail/templates gallery).
 */
export interface EmailTemplate<S extends z.ZodObject> {
  props: S
  subject: (props: z.output<S>, app: AppInfo) => string
  Email: (props: z.output<S> & { app: AppInfo }) => ReactElement
  preview: z.input<S>
}

export function defineTemplate<S extends z.ZodObject>(template: EmailTemplate<S>): EmailTemplate<S> {
  return template
}

// Field types the templates share. Links must be http(s): a `javascript:` URL never reaches a mail.
export const field = {
  name: z.string().trim().min(1).max(200),
  email: z.email(),
  url: z.url({ protocol: /^https?$/ }),
  text: (max: number) => z.string().trim().min(1).max(max),
}
