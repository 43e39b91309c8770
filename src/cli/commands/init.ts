import fs from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { URL, fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { encodeHexLowerCase } from '@oslojs/encoding'
import { deriveBrandColour, productNames, renderSiteConfig, renderWranglerVars, validateBrandColour, validateTagline } from '../brand'
import { CliError, EXIT } from '../errors'
import { printLine } from '../output'

// This checkout is the template: init copies the starter the CLI ships in.
const TEMPLATE_ROOT = fileURLToPath(new URL('../../..', import.meta.url))

// Never copied: history, installs, local state and local secrets, build output.
const EXCLUDED = ['.git', 'node_modules', '.tools', '.data', '.wrangler', '.dev.vars', 'dist', 'test-results', 'coverage', 'public/vendor']

export function isExcluded(relative: string): boolean {
  const normal = relative.split(path.sep).join('/')
  return EXCLUDED.some((x) => normal === x || normal.startsWith(`${x}/`)) || normal.endsWith('.log')
}

/** The template's files: git's list (tracked + untracked, minus .gitignore) when it is a checkout, else a walk. */
export function listTemplateFiles(root: string): string[] {
  if (fs.existsSync(path.join(root, '.git'))) {
    try {
      const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      return out.toString().split('\0').filter((f) => f && !isExcluded(f) && fs.existsSync(path.join(root, f)))
    } catch { /* not usable: walk instead */ }
  }
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => !isExcluded(f) && fs.statSync(path.join(root, f)).isFile())
}

/**
 * .dev.vars from .dev.vars.example: a value `generate:secret` becomes 32 fresh random bytes (hex), so
 * no two projects share a local secret and none is ever committed.
 */
export function renderDevVars(example: string, random = (n: number) => crypto.getRandomValues(new Uint8Array(n))): string {
  return example.replace(/^([A-Z][A-Z0-9_]*)=generate:secret\s*$/gm, (_m, key: string) => `${key}=${encodeHexLowerCase(random(32))}`)
}

export interface ProjectOptions {
  /** Worker and package name. */
  name: string
  /** APP_NAME: the product's name in pages, mail and the social preview. */
  appName: string
  /** #rrggbb, already checked against white text (src/cli/brand.ts). */
  brand: string
  tagline?: string
  force?: boolean
  from?: string
}

export function createProject(target: string, options: ProjectOptions): { files: number } {
  const from = options.from ?? TEMPLATE_ROOT
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0 && !options.force) {
    throw new CliError(`${target} exists and is not empty.`, 'Choose a new folder, or add --force to write into it anyway.', EXIT.refused)
  }
  if (path.resolve(target).startsWith(path.resolve(from) + path.sep) || path.resolve(target) === path.resolve(from)) {
    throw new CliError('The new project cannot be inside the starter it is copied from.', 'Choose a folder outside this checkout, for example ../my-app.', EXIT.usage)
  }
  const files = listTemplateFiles(from)
  for (const file of files) {
    const dest = path.join(target, file)
    fs.mkdirSync(path.dirname(dest), { recursive: true })
    fs.copyFileSync(path.join(from, file), dest)
  }
  const pkgFile = path.join(target, 'package.json')
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as Record<string, unknown>
  pkg.name = options.name
  fs.writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`)
  const tomlFile = path.join(target, 'wrangler.toml')
  const starterName = /^name\s*=\s*"(.*)"$/m.exec(fs.readFileSync(tomlFile, 'utf8'))?.[1]
  const toml = fs.readFileSync(tomlFile, 'utf8').replace(/^name\s*=\s*".*"$/m, `name = "${options.name}"`)
  fs.writeFileSync(tomlFile, renderWranglerVars(toml, options.appName))
  // The one file a buyer edits (src/site.config.ts): only its BRAND_COLOUR and TAGLINE lines; the landing
  // copy's {app} placeholders follow APP_NAME at render time.
  const siteConfig = path.join(target, 'src', 'site.config.ts')
  fs.writeFileSync(siteConfig, renderSiteConfig(fs.readFileSync(siteConfig, 'utf8'), { brand: options.brand, tagline: options.tagline }))
  // The deploy guide names the web Worker (its workers.dev address, the table of Workers): the new
  // project's guide names the new one, and its completeness test reads the new wrangler.toml.
  const guide = path.join(target, 'docs', 'deploy.md')
  if (starterName && fs.existsSync(guide)) {
    fs.writeFileSync(guide, fs.readFileSync(guide, 'utf8').replace(new RegExp(`(?<![\\w-])${starterName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'g'), options.name))
  }
  const example = path.join(target, '.dev.vars.example')
  if (fs.existsSync(example)) fs.writeFileSync(path.join(target, '.dev.vars'), renderDevVars(fs.readFileSync(example, 'utf8')), { mode: 0o600 })
  return { files: files.length }
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a new project from this starter (no .git, node_modules, local data or secrets)')
    .argument('<dir>', 'folder to create')
    .option('--name <name>', 'product name ("Acme Notes") or Worker name (acme-notes); each gives the other (default: the folder name)')
    .option('--tagline <text>', 'one line under the name on the home page and the social preview')
    .option('--brand <#rrggbb>', 'brand colour, dark enough for white text (4.5:1); default: one made from the name')
    .option('--force', 'write into a folder that is not empty')
    .addHelpText('after', `\nExamples:\n  npx quickscale init ../my-saas\n  npx quickscale init ~/code/acme --name "Acme Notes" --tagline "Notes your team reads" --brand '#1d4ed8'`)
    .action((dir: string, opts: { name?: string; tagline?: string; brand?: string; force?: boolean }) => {
      const target = path.resolve(dir)
      // Every flag is checked before anything is written.
      const names = productNames(opts.name ?? path.basename(target))
      const brand = opts.brand === undefined ? deriveBrandColour(names.app) : validateBrandColour(opts.brand)
      const tagline = opts.tagline === undefined ? undefined : validateTagline(opts.tagline)
      const { files } = createProject(target, { name: names.worker, appName: names.app, brand, tagline, force: opts.force })
      printLine(`✔ created ${names.app} (${names.worker}) in ${target} (${files} files, fresh .dev.vars)`)
      printLine(`  brand colour ${brand}${opts.brand === undefined ? ' (from the name; change it in src/site.config.ts)' : ''}`)
      printLine('\nNext steps:')
      const relative = path.relative(process.cwd(), target)
      printLine(`  cd ${relative.startsWith('..') ? target : relative || '.'}`)
      printLine('  git init && npm install')
      printLine('  npm run dev                      # app + local database on http://127.0.0.1:8787')
      printLine('  npx quickscale check             # verify the setup')
      printLine('  npx quickscale admin create you@yourdomain.com')
    })
}
