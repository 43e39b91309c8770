import fs from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { URL, fileURLToPath } from 'node:url'
import type { Command } from 'commander'
import { encodeHexLowerCase } from '@oslojs/encoding'
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

export function validateProjectName(name: string): string {
  // Worker names: lowercase letters, digits and dashes, at most 63 characters.
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) {
    throw new CliError(`"${name}" cannot be a Worker name (lowercase letters, digits and dashes, at most 63).`, 'Pass --name my-app.', EXIT.usage)
  }
  return name
}

export function titleFromName(name: string): string {
  return name.split('-').filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ')
}

/**
 * .dev.vars from .dev.vars.example: a value `generate:secret` becomes 32 fresh random bytes (hex), so
 * no two projects share a local secret and none is ever committed.
 */
export function renderDevVars(example: string, random = (n: number) => crypto.getRandomValues(new Uint8Array(n))): string {
  return example.replace(/^([A-Z][A-Z0-9_]*)=generate:secret\s*$/gm, (_m, key: string) => `${key}=${encodeHexLowerCase(random(32))}`)
}

export function createProject(target: string, options: { name: string; force?: boolean; from?: string }): { files: number } {
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
  const toml = fs.readFileSync(tomlFile, 'utf8')
    .replace(/^name\s*=\s*".*"$/m, `name = "${options.name}"`)
    .replace(/^APP_NAME\s*=\s*".*"$/m, `APP_NAME = "${titleFromName(options.name)}"`)
  fs.writeFileSync(tomlFile, toml)
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
    .option('--name <name>', 'Worker and package name (default: the folder name)')
    .option('--force', 'write into a folder that is not empty')
    .addHelpText('after', '\nExamples:\n  npx quickscale init ../my-saas\n  npx quickscale init ~/code/acme --name acme-app')
    .action((dir: string, opts: { name?: string; force?: boolean }) => {
      const target = path.resolve(dir)
      const name = validateProjectName(opts.name ?? path.basename(target).toLowerCase())
      const { files } = createProject(target, { name, force: opts.force })
      printLine(`✔ created ${name} in ${target} (${files} files, fresh .dev.vars)`)
      printLine('\nNext steps:')
      const relative = path.relative(process.cwd(), target)
      printLine(`  cd ${relative.startsWith('..') ? target : relative || '.'}`)
      printLine('  git init && npm install')
      printLine('  npm run dev                      # app + local database on http://127.0.0.1:8787')
      printLine('  npx quickscale check             # verify the setup')
      printLine('  npx quickscale admin create you@yourdomain.com')
    })
}
