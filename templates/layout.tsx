/** @jsxImportSource react */
import type { ReactNode } from 'react'
// Each component from its own package, not '@react-email/components': that barrel also loads its code
// block and Prism (~0.5 s) wherever nothing tree-shakes it away — every CLI command that loads auth (tsx).
import { Body } from '@react-email/body'
import { Button } from '@react-email/button'
import { Container } from '@react-email/container'
import { Head } from '@react-email/head'
import { Heading } from '@react-email/heading'
import { Hr } from '@react-email/hr'
import { Html } from '@react-email/html'
import { Link } from '@react-email/link'
import { Preview } from '@react-email/preview'
import { Section } from '@react-email/section'
import { Text } from '@react-email/text'
import { BRAND_COLOUR } from '../src/site.config'

// Who sends: filled from APP_NAME and APP_URL by the renderer, never by a caller.
export interface AppInfo {
  name: string
  url: string
}

// The site's brand colour (src/site.config.ts, which `quickscale init --brand` writes): the build and init
// refuse one under 4.5:1 with white, so button text and links pass WCAG AA in mail too.
const BRAND = BRAND_COLOUR
const INK = '#1f2933'
const MUTED = '#6b7280'
const FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, sans-serif'

const styles = {
  body: { backgroundColor: '#f4f6f8', fontFamily: FONT, margin: 0, padding: '24px 0' },
  container: { maxWidth: '560px', margin: '0 auto' },
  brand: { color: BRAND, fontSize: '20px', fontWeight: 700, margin: '0 0 16px', padding: '0 24px' },
  card: { backgroundColor: '#ffffff', borderRadius: '8px', padding: '32px 24px', border: '1px solid #e5e7eb' },
  heading: { color: INK, fontSize: '22px', lineHeight: '30px', fontWeight: 700, margin: '0 0 16px' },
  paragraph: { color: INK, fontSize: '16px', lineHeight: '24px', margin: '0 0 16px' },
  cta: { margin: '8px 0 24px' },
  button: { backgroundColor: BRAND, borderRadius: '6px', color: '#ffffff', fontSize: '16px', fontWeight: 600, padding: '12px 20px', textDecoration: 'none' },
  code: { backgroundColor: '#f4f6f8', borderRadius: '6px', color: INK, fontFamily: 'Menlo, Consolas, monospace', fontSize: '28px', fontWeight: 700, letterSpacing: '6px', margin: '0 0 16px', padding: '12px 16px', textAlign: 'center' as const },
  quote: { borderLeft: `4px solid ${BRAND}`, color: INK, fontSize: '15px', lineHeight: '22px', margin: '0 0 16px', padding: '4px 0 4px 12px', whiteSpace: 'pre-wrap' as const },
  fine: { color: MUTED, fontSize: '14px', lineHeight: '20px', margin: '0 0 12px' },
  hr: { borderColor: '#e5e7eb', margin: '24px 0' },
  footer: { padding: '16px 24px 0' },
  footerText: { color: MUTED, fontSize: '12px', lineHeight: '18px', margin: '0 0 6px' },
  link: { color: BRAND },
}

/**
 * The one branded frame every mail uses: preview line, app name, a card with the heading and content,
 * and a footer saying why the reader got this mail. Only plain React Email components, so that the
 * plain-text version (src/email/plain-text.ts) can be derived from the same tree.
 */
export function EmailLayout(props: { app: AppInfo; preview: string; heading: string; reason: string; children: ReactNode }) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{props.preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Text style={styles.brand}>{props.app.name}</Text>
          <Section style={styles.card}>
            <Heading as="h1" style={styles.heading}>{props.heading}</Heading>
            {props.children}
          </Section>
          <Section style={styles.footer}>
            <Text style={styles.footerText}>{props.reason}</Text>
            <Text style={styles.footerText}>
              {props.app.name} · <Link href={props.app.url} style={styles.link}>{props.app.url}</Link>
            </Text>
          </Section>
        </Container>
      </Body>
    </Html>
  )
}

export function Paragraph({ children }: { children: ReactNode }) {
  return <Text style={styles.paragraph}>{children}</Text>
}

export function CallToAction({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Section style={styles.cta}>
      <Button href={href} style={styles.button}>{children}</Button>
    </Section>
  )
}

// A short code to type in (email verification), large and spaced for reading off a phone.
export function Code({ children }: { children: ReactNode }) {
  return <Text style={styles.code}>{children}</Text>
}

// Text someone else wrote (a contact message): kept verbatim, line breaks included.
export function Quote({ children }: { children: ReactNode }) {
  return <Text style={styles.quote}>{children}</Text>
}

export function Fine({ children }: { children: ReactNode }) {
  return <Text style={styles.fine}>{children}</Text>
}

export function Divider() {
  return <Hr style={styles.hr} />
}

export function TextLink({ href, children }: { href: string; children: ReactNode }) {
  return <Link href={href} style={styles.link}>{children}</Link>
}

// Label/value lines (receipts, plan changes): one paragraph each, so the text version reads "Label: value".
export function Details({ items }: { items: Array<[label: string, value: ReactNode]> }) {
  return (
    <Section style={styles.cta}>
      {items.map(([label, value]) => (
        <Text key={label} style={{ ...styles.paragraph, margin: '0 0 6px' }}>
          <strong>{label}:</strong> {value}
        </Text>
      ))}
    </Section>
  )
}

// Dates arrive as ISO strings through the queue (JSON); shown in UTC so a mail reads the same wherever
// it is rendered. Anything else is shown as given.
export function formatDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return value
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return value
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(date)
}
