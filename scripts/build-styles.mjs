// Builds the site's stylesheet, its icon sprite, its font files and its social-preview image into public/vendor/ (gitignored), from
// sources we own (ADR 0086): styles/system/ (the design system: tokens, the Bulma modules we use, the app
// shell), every styles/<area>.scss (one per feature area, picked up without being listed), the brand
// colour in src/site.config.ts, and the icon names in src/platform/icons.tsx. Run by
// scripts/vendor-assets.mjs, so it happens on install and before every `wrangler dev` / `wrangler deploy`.
import fs from 'node:fs'
import { createHash } from 'node:crypto'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { BRAND_SYMBOLS } from './brand-icons.mjs'
import { readOgText, renderOgImage } from './og-image.mjs'
import { listFiles } from './list-files.mjs'

const require = createRequire(import.meta.url)
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** `BRAND_COLOUR = '#rrggbb'` from src/site.config.ts (a plain line on purpose: no TypeScript loader needed). */
export function readBrandColour(root = ROOT) {
  const source = fs.readFileSync(path.join(root, 'src/site.config.ts'), 'utf8')
  const match = /^export const BRAND_COLOUR = '(#[0-9a-fA-F]{6})'/m.exec(source)
  if (!match) throw new Error("build-styles: src/site.config.ts must hold a line export const BRAND_COLOUR = '#rrggbb'")
  const colour = match[1].toLowerCase()
  const ratio = contrastWithWhite(colour)
  if (ratio < 4.5) throw new Error(`build-styles: BRAND_COLOUR ${colour} gives white text ${ratio.toFixed(2)}:1; pick a darker colour (at least 4.5:1, WCAG 1.4.3)`)
  return colour
}

/** WCAG 2 contrast ratio of white text on `#rrggbb`. */
export function contrastWithWhite(hex) {
  const channel = (i) => {
    const v = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
  }
  const l = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
  return 1.05 / (l + 0.05)
}

/** The icon names the app may render: the `ICONS` (Lucide) and `BRAND_ICONS` lists in src/platform/icons.tsx. */
export function readIconNames(root = ROOT) {
  const source = fs.readFileSync(path.join(root, 'src/platform/icons.tsx'), 'utf8')
  const list = /export const ICONS = \[([^\]]*)\] as const/.exec(source)
  if (!list) throw new Error('build-styles: src/platform/icons.tsx must hold export const ICONS = [...] as const')
  const brands = /export const BRAND_ICONS = \[([^\]]*)\] as const/.exec(source)
  return [...list[1].matchAll(/'([a-z0-9-]+)'/g), ...(brands ? brands[1].matchAll(/'([a-z0-9-]+)'/g) : [])].map((m) => m[1])
}

/**
 * One <symbol> per icon: Lucide's from lucide-static's files (stroke settings move from each <svg> onto a
 * <g>), brand marks from scripts/brand-icons.mjs with their own viewBox and fills.
 */
export function buildIconSprite(names) {
  const symbols = names.map((name) => {
    const brand = BRAND_SYMBOLS[name]
    if (brand) return `<symbol id="${name}" viewBox="${brand.viewBox}">${brand.body}</symbol>`
    let file
    try {
      file = require.resolve(`lucide-static/icons/${name}.svg`)
    } catch {
      throw new Error(`build-styles: no lucide icon named "${name}" (src/platform/icons.tsx)`)
    }
    const svg = fs.readFileSync(file, 'utf8')
    const body = svg.slice(svg.indexOf('>', svg.indexOf('<svg')) + 1, svg.lastIndexOf('</svg>')).replace(/\s*\n\s*/g, '')
    return `<symbol id="${name}" viewBox="0 0 24 24"><g fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${body}</g></symbol>`
  })
  return `<svg xmlns="http://www.w3.org/2000/svg"><!-- Lucide icons (ISC licence) and brand marks (scripts/brand-icons.mjs), see src/platform/icons.tsx -->${symbols.join('')}</svg>\n`
}

/** The stylesheet's entry: the design system first, then every area partial in name order. */
export function stylesheetEntry(brand, root = ROOT) {
  const areas = fs.readdirSync(path.join(root, 'styles'))
    .filter((f) => f.endsWith('.scss') && !f.startsWith('_'))
    .sort()
  return [
    `@use "system/bulma" with ($brand: ${brand});`,
    '@use "system/tokens";',
    '@use "system/base";',
    '@use "system/components";',
    '@use "system/shell";',
    ...areas.map((f) => `@use "${f.replace(/\.scss$/, '')}";`),
  ].join('\n')
}

/**
 * Sass → CSS, cached by the hash of everything it reads (our partials, the brand colour, Bulma's and Sass's
 * versions): compiling Bulma takes seconds, and wrangler dev runs this build after every edit under src/,
 * where usually only the purge below has new input.
 */
export async function compileStylesheet(brand, root = ROOT) {
  const entry = stylesheetEntry(brand, root)
  const hash = createHash('sha256').update(entry)
  for (const dep of ['bulma', 'sass']) hash.update(fs.readFileSync(path.join(root, 'node_modules', dep, 'package.json')))
  for (const file of listFiles(path.join(root, 'styles'))) hash.update(file).update(fs.readFileSync(file))
  const cache = path.join(root, 'node_modules/.cache/quickscale-styles', `${hash.digest('hex').slice(0, 16)}.css`)
  if (fs.existsSync(cache)) return fs.readFileSync(cache, 'utf8')
  const sass = await import('sass')
  const result = sass.compileString(entry, {
    loadPaths: [path.join(root, 'styles'), path.join(root, 'node_modules')],
    url: pathToFileURL(path.join(root, 'styles/site.scss')),
    style: 'compressed',
    // Bulma 1.0 still calls a few global functions Dart Sass deprecates; they are Bulma's to change.
    quietDeps: true,
    silenceDeprecations: ['if-function'],
  })
  fs.mkdirSync(path.dirname(cache), { recursive: true })
  fs.writeFileSync(cache, result.css)
  return result.css
}

async function cached(root, ext, inputs, make) {
  const hash = createHash('sha256')
  for (const input of inputs) hash.update(input)
  const file = path.join(root, 'node_modules/.cache/quickscale-styles', `${hash.digest('hex').slice(0, 16)}.${ext}`)
  if (fs.existsSync(file)) return fs.readFileSync(file)
  const made = await make()
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, made)
  return made
}

function listContentFiles(root) {
  const pick = (dir, test) => (fs.existsSync(dir) ? listFiles(dir).filter(test) : [])
  return [
    ...pick(path.join(root, 'src'), (f) => /\.tsx?$/.test(f)),
    ...pick(path.join(root, 'templates'), (f) => /\.tsx?$/.test(f)),
    ...fs.readdirSync(path.join(root, 'public')).filter((f) => f.endsWith('.js')).map((f) => path.join(root, 'public', f)),
  ]
}

// Where class names can appear: our markup, mail templates, Alpine components and our own styles.
const CONTENT_GLOBS = ['src/**/*.{ts,tsx}', 'templates/**/*.{ts,tsx}', 'public/*.js']

/**
 * Ship only the CSS the pages use (issue 20): the modules above still bring every colour and size helper
 * and every theme shade; PurgeCSS keeps a rule only when each class it names appears as a word in our
 * sources, and drops custom properties no kept rule reads. Kept whatever the sources say: the colour
 * modifiers (markup builds them, `is-${kind}`) and htmx's state classes.
 */
export async function purgeUnusedCss(css, root = ROOT) {
  const { PurgeCSS } = await import('purgecss')
  const [result] = await new PurgeCSS().purge({
    content: CONTENT_GLOBS.map((glob) => path.join(root, glob)),
    css: [{ raw: css }],
    variables: true,
    safelist: { standard: [/^is-(primary|link|info|success|warning|danger|light|dark)$/, /^htmx-/, 'html', 'body', ':root'], variables: [/^--qs-/] },
  })
  return result.css
}

export const FONT_FILES = ['inter-latin-wght-normal.woff2', 'inter-latin-ext-wght-normal.woff2']

/** Writes site.css, icons.svg and the fonts into `out` when they changed; returns the names written. */
export async function buildStyles(out = path.join(ROOT, 'public/vendor'), root = ROOT) {
  const brand = readBrandColour(root)
  const compiled = await compileStylesheet(brand, root)
  // wrangler dev runs this after every edit under src/ (in every running dev server): each step is cached
  // by the hash of what it reads, so an edit that adds no class and renames nothing costs file reads only.
  const ogText = readOgText(root)
  const files = [
    ['og.png', await cached(root, 'png', [JSON.stringify({ ...ogText, brand })], () => renderOgImage({ ...ogText, brand }))],
    ['site.css', await cached(root, 'css', [compiled, ...listContentFiles(root).map((f) => fs.readFileSync(f))], async () => (await purgeUnusedCss(compiled, root)) + '\n')],
    ['icons.svg', buildIconSprite(readIconNames(root))],
    ...FONT_FILES.map((f) => [`fonts/${f}`, fs.readFileSync(require.resolve(`@fontsource-variable/inter/files/${f}`))]),
  ]
  const written = []
  for (const [name, content] of files) {
    const target = path.join(out, name)
    const wanted = Buffer.from(content)
    if (fs.existsSync(target) && fs.readFileSync(target).equals(wanted)) continue
    fs.mkdirSync(path.dirname(target), { recursive: true })
    fs.writeFileSync(target, wanted)
    written.push(name)
  }
  return written
}
