import { createHash } from 'node:crypto'
import { contrastWithWhite } from '../../scripts/build-styles.mjs'
import { CliError, EXIT } from './errors'

// What `quickscale init` writes to make the buyer's product (issue 20, item 6): its name in the Worker
// and the mail sender, its tagline and brand colour in src/site.config.ts. The contrast rule is the
// build's own (scripts/build-styles.mjs refuses a brand colour under 4.5:1 with white text, WCAG 1.4.3),
// so init can never write a colour the next build would refuse.
export const MIN_CONTRAST = 4.5

const WORKER_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/

export interface ProductNames {
  /** Worker and package name: lowercase letters, digits and dashes. */
  worker: string
  /** APP_NAME: what people read in pages, mail and the social preview. */
  app: string
}

/**
 * `--name acme-notes` (a Worker name) reads as "Acme Notes"; `--name "Acme Notes"` (a product name) gives
 * the Worker name acme-notes. Without --name, the folder's name.
 */
export function productNames(name: string): ProductNames {
  if (WORKER_NAME.test(name)) return { worker: name, app: titleFromName(name) }
  const app = name.trim().replace(/\s+/g, ' ')
  // The name goes into TOML strings, a mail header's display name and HTML text: no quotes, angle
  // brackets or backslashes, which each of those would have to escape differently.
  if (!app || app.length > 60 || /["<>\\\p{Cc}]/u.test(app)) {
    throw new CliError(`"${name}" cannot be the product's name (1 to 60 characters, no quotes, < > or backslashes).`, 'Pass --name "Acme Notes".', EXIT.usage)
  }
  const worker = app.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '')
  if (!WORKER_NAME.test(worker)) {
    throw new CliError(`"${name}" gives no Worker name (it needs letters or digits).`, 'Pass --name "Acme Notes" or --name acme-notes.', EXIT.usage)
  }
  return { worker, app }
}

export function titleFromName(name: string): string {
  return name.split('-').filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ')
}

/** `--brand '#rrggbb'`, lowercased; refused unless white text on it reaches 4.5:1. */
export function validateBrandColour(input: string): string {
  const colour = input.trim().toLowerCase()
  if (!/^#[0-9a-f]{6}$/.test(colour)) {
    throw new CliError(`--brand "${input}" is not a colour of the form #rrggbb.`, "Pass --brand '#0f766e' (six hex digits).", EXIT.usage)
  }
  const ratio = contrastWithWhite(colour)
  if (ratio < MIN_CONTRAST) {
    throw new CliError(
      `--brand ${colour} gives white text a contrast of ${ratio.toFixed(2)}:1; buttons and the header need at least ${MIN_CONTRAST}:1 (WCAG 1.4.3).`,
      `Pick a darker colour, or leave --brand out to get one made from the name (${deriveBrandColour('Acme Notes')} for "Acme Notes").`,
      EXIT.usage,
    )
  }
  return colour
}

/**
 * A brand colour of the name's own: its hash picks the hue, then the lightness steps down from 45 % until
 * white text reaches 4.5:1 (yellows and greens need a darker shade than blues). Same name, same colour.
 */
export function deriveBrandColour(name: string): string {
  // SHA-256, not a small string hash: similar short names ("Lemonade", "Acme Notes") must not share a hue.
  const hue = createHash('sha256').update(name).digest().readUInt32BE(0) % 360
  for (let lightness = 45; lightness > 0; lightness--) {
    const colour = hslToHex(hue, 65, lightness)
    if (contrastWithWhite(colour) >= MIN_CONTRAST) return colour
  }
  return '#000000' // unreachable: black gives 21:1
}

function hslToHex(h: number, s: number, l: number): string {
  const a = (s / 100) * Math.min(l / 100, 1 - l / 100)
  const channel = (n: number) => {
    const k = (n + h / 30) % 12
    const v = l / 100 - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))
    return Math.round(v * 255).toString(16).padStart(2, '0')
  }
  return `#${channel(0)}${channel(8)}${channel(4)}`
}

/** The tagline as the one-line TypeScript string the build's regex reads (scripts/og-image.mjs). */
export function validateTagline(input: string): string {
  const tagline = input.trim()
  if (!tagline || tagline.length > 120 || /\p{Cc}/u.test(tagline)) {
    throw new CliError(`--tagline must be one line of 1 to 120 characters.`, 'Pass --tagline "Notes your team actually reads".', EXIT.usage)
  }
  return tagline
}

/** src/site.config.ts with only its BRAND_COLOUR and (when given) TAGLINE lines rewritten. */
export function renderSiteConfig(source: string, options: { brand: string; tagline?: string }): string {
  const brandLine = /^export const BRAND_COLOUR = '.*'$/m
  const taglineLine = /^export const TAGLINE = '(?:[^'\\]|\\.)*'$/m
  if (!brandLine.test(source) || !taglineLine.test(source)) {
    throw new CliError('src/site.config.ts has no BRAND_COLOUR or TAGLINE line to rewrite.', "Keep the lines export const BRAND_COLOUR = '#rrggbb' and export const TAGLINE = '…' in the starter.", EXIT.config)
  }
  let out = source.replace(brandLine, `export const BRAND_COLOUR = '${options.brand}'`)
  if (options.tagline !== undefined) {
    const quoted = options.tagline.replace(/\\/g, '\\\\').replace(/'/g, "\\'")
    out = out.replace(taglineLine, () => `export const TAGLINE = '${quoted}'`)
  }
  return out
}

/**
 * wrangler.toml with APP_NAME and EMAIL_FROM renamed in [vars] and in every [env.*.vars]: the sender keeps
 * its configured address (its domain is the one verified at Resend), only the display name changes.
 */
export function renderWranglerVars(toml: string, appName: string): string {
  const display = /[()[\]:;@,.]/.test(appName) ? `"${appName}"` : appName // RFC 5322 specials need a quoted phrase
  return toml
    .replace(/^(APP_NAME\s*=\s*)".*"$/gm, (_m, key: string) => `${key}${JSON.stringify(appName)}`)
    .replace(/^(EMAIL_FROM\s*=\s*)"(.*)"$/gm, (_m, key: string, value: string) => {
      const address = /<([^<>\s]+@[^<>\s]+)>/.exec(value)?.[1] ?? (/^[^<>\s"]+@[^<>\s"]+$/.test(value) ? value : 'noreply@example.com')
      return `${key}${JSON.stringify(`${display} <${address}>`)}`
    })
}
