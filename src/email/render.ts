import { createElement } from 'react'
import { readConfig } from '../platform/env'
import { importSeparately } from '../platform/separate-module'
import { templates, type AppInfo, type TemplateName } from '../../templates'
import { toPlainText } from './plain-text'

export interface RenderedEmail {
  subject: string
  html: string
  text: string
}

// React Email's render() adds this doctype too; its other work (prettier formatting, html-to-text) is
// what we leave out of the Worker (docs/decisions/0010-email-rendering.md).
const DOCTYPE = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'

export class TemplatePropsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TemplatePropsError'
  }
}

/** Checks props against the template's schema; throws TemplatePropsError naming each bad field. */
export function parseTemplateProps(template: TemplateName, props: unknown): Record<string, unknown> {
  const parsed = templates[template].props.safeParse(props)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(props)'}: ${i.message}`).join('; ')
    throw new TemplatePropsError(`Invalid props for email template "${template}": ${problems}`)
  }
  return parsed.data
}

// React's server renderer is loaded on first use, from a module uploaded beside the bundle (issue 23, ADR
// 0104): only the email queue consumer and the dev mail pages render, so a cold start serving a page
// neither compiles nor evaluates it.
const loadRenderer = () => importSeparately<typeof import('react-dom/server')>('react-dom-server.js', 'react-dom/server')

export async function renderEmail(template: TemplateName, props: unknown, app: AppInfo): Promise<RenderedEmail> {
  const definition = templates[template]
  const data = parseTemplateProps(template, props)
  const { renderToStaticMarkup } = await loadRenderer()
  // Each template's Email and subject take that template's own props, just validated above.
  const element = createElement(definition.Email as (p: Record<string, unknown>) => ReturnType<typeof definition.Email>, { ...data, app })
  const subject = (definition.subject as (p: Record<string, unknown>, a: AppInfo) => string)(data, app)
  return {
    // One line, whatever a caller put in a prop (a contact-form subject): no header folding surprises.
    subject: subject.replace(/[\r\n\t]+/g, ' ').trim(),
    html: DOCTYPE + renderToStaticMarkup(element),
    text: toPlainText(element),
  }
}

/** The sender's name and address as every template shows them (APP_NAME, APP_URL). */
export function appInfo(env: Env): AppInfo {
  const config = readConfig(env)
  return { name: config.APP_NAME, url: config.APP_URL }
}
