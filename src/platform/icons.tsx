import { assetUrl } from './assets'

/**
 * The icon set: Lucide icons (ISC licence) as one SVG sprite, /vendor/icons.svg, built from this list by
 * scripts/build-styles.mjs (ADR 0086). A sprite file rather than inline paths: every page references the
 * same cached file, and a page's HTML grows by one short <use> per icon. Add a name here to use it (the
 * list is also the type, so a typo fails `tsc`); the names are lucide-static's file names.
 */
export const ICONS = [
  'activity', 'arrow-right', 'badge-check', 'book-open', 'calendar', 'chart-column', 'check', 'chevron-down',
  'chevron-right', 'circle-check', 'circle-help', 'circle-x', 'cloud', 'cloud-upload', 'code', 'copy',
  'cpu', 'credit-card', 'database', 'download', 'external-link', 'eye', 'file', 'file-text', 'filter',
  'folder', 'folder-open', 'gauge', 'globe', 'image', 'inbox', 'info', 'key-round', 'layers',
  'layout-dashboard', 'loader-circle', 'lock', 'log-out', 'mail', 'menu', 'monitor', 'moon', 'plus',
  'receipt', 'refresh-cw', 'rocket', 'search', 'server', 'settings', 'shield', 'shield-check', 'sparkles',
  'sun', 'terminal', 'trash-2', 'triangle-alert', 'upload', 'user', 'user-round', 'users', 'x', 'zap',
] as const

/**
 * Brand marks (Lucide has none): GitHub's mark follows the text colour; Google's "G" keeps its four colours,
 * so show it on a `.brand-chip` (white in both themes, Google's branding guidelines). Their paths are in
 * scripts/brand-icons.mjs.
 */
export const BRAND_ICONS = ['brand-github', 'brand-google'] as const

export type IconName = (typeof ICONS)[number] | (typeof BRAND_ICONS)[number]

/** The sprite's versioned URL (ADR 0105): a new icon set is a new URL. */
export const ICON_SPRITE = assetUrl('/vendor/icons.svg')

/**
 * An icon in the text colour. Decorative by default (hidden from assistive technology: the text beside
 * it says the same); give `label` when the icon stands alone, and it becomes an image with that name.
 */
export function Icon({ name, label, class: extra }: { name: IconName; label?: string; class?: string }) {
  return (
    <svg
      class={`icon-svg${extra ? ` ${extra}` : ''}`}
      aria-hidden={label ? undefined : 'true'}
      role={label ? 'img' : undefined}
      aria-label={label}
      focusable="false"
    >
      <use href={`${ICON_SPRITE}#${name}`} />
    </svg>
  )
}
