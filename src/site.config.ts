import type { IconName } from './platform/icons'

/**
 * The one file a buyer edits to make the product theirs (issue 20): the brand colour and every word of the
 * landing page. `{app}` in any text is replaced by the app's name (`APP_NAME` in wrangler.toml), so
 * `quickscale init --name` renames the product everywhere at once.
 *
 * `BRAND_COLOUR` and `TAGLINE` are also read by the build (scripts/build-styles.mjs, scripts/og-image.mjs:
 * the palette in both themes and the social-preview image), so keep each a plain quoted string on its own
 * line. Pick a brand colour dark enough for white text (contrast ≥ 4.5:1); the build refuses one that is
 * not (WCAG 1.4.3).
 */
export const BRAND_COLOUR = '#0f766e'
export const TAGLINE = 'Launch your SaaS on the edge'

export interface SiteConfig {
  /** Search results and social previews of the home page. */
  description: string
  hero: { eyebrow: string; title: string; subtitle: string; primary: Cta; secondary: Cta; note: string }
  features: { title: string; subtitle: string; items: Array<{ icon: IconName; title: string; text: string }> }
  steps: { title: string; items: Array<{ title: string; text: string; code?: string }> }
  faq: { title: string; items: Array<{ question: string; answer: string }> }
  finalCta: { title: string; text: string; primary: Cta; secondary: Cta }
}

interface Cta {
  label: string
  href: string
}

export const site: SiteConfig = {
  description: '{app} gives you accounts, billing, usage limits, files and email on Cloudflare Workers, running on your laptop in two commands.',
  hero: {
    eyebrow: 'Open source SaaS starter on Cloudflare Workers',
    title: TAGLINE,
    subtitle: '{app} gives you accounts, Stripe billing, usage quotas, files and email on a global edge network. Everything runs on your laptop in two commands, and ships with one.',
    primary: { label: 'Start free', href: '/signup' },
    secondary: { label: 'See pricing', href: '/pricing' },
    note: 'Free plan, no credit card needed.',
  },
  features: {
    title: 'Everything a SaaS needs on day one',
    subtitle: 'Production pieces, already wired together and tested, so you build the part only you can build.',
    items: [
      { icon: 'lock', title: 'Accounts that hold up', text: 'Sign-up, email verification, password reset, sessions you can revoke, roles and an audit trail.' },
      { icon: 'credit-card', title: 'Stripe billing', text: 'Checkout, plan changes with proration, invoices and signed, idempotent webhooks that survive retries.' },
      { icon: 'gauge', title: 'Usage and quotas', text: 'Exact meters and rate limits in Durable Objects, with API keys and upgrade prompts at the limit.' },
      { icon: 'image', title: 'Files with thumbnails', text: 'Streamed uploads to R2 and thumbnails made off the request path through a queue.' },
      { icon: 'mail', title: 'Email that arrives', text: 'React Email templates sent through Resend with retries, and a local outbox while you develop.' },
      { icon: 'shield-check', title: 'Admin you can trust', text: 'Find any customer, see their plan and usage, act as them for support, every step audited.' },
    ],
  },
  steps: {
    title: 'From clone to customers in an afternoon',
    items: [
      { title: 'Run it', text: 'Clone, install and start: a real Postgres, Stripe and email stand-ins and demo data, no cloud account.', code: 'npm install && npm run dev' },
      { title: 'Make it yours', text: 'Name your product, set your colour and copy in one file, and add features with the generator.', code: 'npx quickscale init acme' },
      { title: 'Ship it', text: 'One command creates the queues, bucket and database tables, then deploys worldwide.', code: 'npx quickscale deploy' },
    ],
  },
  faq: {
    title: 'Questions buyers ask',
    items: [
      { question: 'Do I need a Cloudflare account to try it?', answer: 'No. npm run dev runs the whole product on your laptop with an embedded Postgres and local stand-ins for Stripe and email. You need accounts only to deploy.' },
      { question: 'What does it cost to run?', answer: 'Workers, R2, Queues and Durable Objects have free tiers, and Neon has a free Postgres. A new product usually starts at zero and grows with its traffic.' },
      { question: 'Can I change plans, prices and limits?', answer: 'Yes. Plans, prices and quotas live in one table synced with Stripe; usage limits follow the plan a customer is on.' },
      { question: 'Is it secure?', answer: 'Sessions follow the Lucia design, every form has CSRF and throttling, passwords are hashed with Argon2id, and every page carries a strict Content Security Policy.' },
      { question: 'How do I add my own feature?', answer: 'npx quickscale generate feature makes a folder with routes, a table and migration, tests and, if you want, a metered quota tied to your plans.' },
    ],
  },
  finalCta: {
    title: 'Build the product, not the plumbing',
    text: 'Start on the free plan and upgrade when your customers do.',
    primary: { label: 'Create your account', href: '/signup' },
    secondary: { label: 'Read about {app}', href: '/about' },
  },
}

/** `{app}` → the app's name. */
export function fillAppName(text: string, appName: string): string {
  return text.replaceAll('{app}', appName)
}
