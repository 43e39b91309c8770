import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { EXIT } from '../../src/cli/errors'
import { createProgram } from '../../src/cli/main'
import { describeLimits, meterSpec } from '../../src/cli/generate/metered'
import { featureNames } from '../../src/cli/generate/names'
import { renderFeatureFiles } from '../../src/cli/generate/templates'

// The guides name code: commands, options, exit codes, files, registry fields. Each name is read from the
// code here, so a rename fails this file until the page follows.
const root = join(__dirname, '../..')
const read = (path: string) => readFileSync(join(root, path), 'utf8')

function section(page: string, heading: string): string {
  const start = page.indexOf(`\n${heading}\n`)
  expect(start, `heading "${heading}"`).toBeGreaterThanOrEqual(0)
  const rest = page.slice(start + heading.length + 2)
  const next = rest.search(/^#{1,2} /m)
  return next < 0 ? rest : rest.slice(0, next)
}

function leafCommands(command: Command, prefix: string[] = []): Command[] {
  if (command.commands.length === 0) return prefix.length ? [command] : []
  return command.commands.flatMap((sub) => leafCommands(sub, [...prefix, sub.name()]))
}

function fullName(command: Command): string {
  const names: string[] = []
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name())
  return names.join(' ')
}

describe('docs/cli.md', () => {
  const page = read('docs/cli.md')
  const program = createProgram()

  it('documents every command and every option that --help lists', () => {
    const leaves = leafCommands(program)
    expect(leaves.map(fullName)).toContain('generate feature')
    for (const command of leaves) {
      const name = fullName(command)
      expect(page, `command ${name}`).toMatch(new RegExp('`(quickscale )?' + name.replace(/ /g, '\\s') + '[\\s`]'))
      for (const option of command.options) expect(page, `${name} ${option.long}`).toContain(option.long!)
    }
  })

  it('lists exactly the exit codes of src/cli/errors.ts, as --help does', () => {
    const table = section(page, '## Exit codes')
    const documented = [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1])).sort((a, b) => a - b)
    const codes = Object.values(EXIT).sort((a, b) => a - b)
    expect(documented).toEqual(codes)
    const helpLine = read('src/cli/main.ts').match(/Exit codes: ([^\\]+)/)?.[1] ?? ''
    expect([...helpLine.matchAll(/(\d+) /g)].map((m) => Number(m[1])).sort((a, b) => a - b)).toEqual(codes)
  })

  it('shows the command shape as it is in src/cli/commands/admin.ts', () => {
    const sample = section(page, '## How a command is built').match(/```ts\n([\s\S]*?)```/)?.[1] ?? ''
    const source = read('src/cli/commands/admin.ts')
    const lines = sample.split('\n').map((l) => l.replace(/\s+\/\/ .*$/, '').trim()).filter((l) => l && l !== '}' && l !== '})')
    expect(lines.length).toBeGreaterThan(8)
    for (const line of lines) expect(source, line).toContain(line)
  })
})

describe('README.md', () => {
  it('links every page of docs/ from its Documentation list', () => {
    const list = section(read('README.md'), '## Documentation')
    const pages = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md'))
    expect(pages).toContain('onboarding.md')
    expect(pages.filter((f) => !list.includes(`](docs/${f})`))).toEqual([])
  })
})

// A path-like code span: a top-level folder of ours or a root file, without placeholders (`src/<name>/`).
const TOP = /^(src|test|styles|templates|scripts|public|drizzle|workers|docs|bench|bin)\/|^[\w.-]+\.(ts|tsx|mjs|md|toml|json)$/

/** Repository paths a page names in code spans, and its relative links (resolved from docs/). */
function namedPaths(page: string): string[] {
  const spans = [...page.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!.replace(/[,.:;]$/, ''))
  const paths = spans.filter((s) => TOP.test(s) && !/[<>*{}]/.test(s) && !s.startsWith('/'))
  const links = [...page.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1]!).filter((l) => !/^[a-z]+:/.test(l)).map((l) => join('docs', l))
  return [...new Set([...paths, ...links])]
}

function interfaceKeys(source: string, name: string): string[] {
  const body = source.match(new RegExp(`export interface ${name}(?:<[^>]*>)? \\{([\\s\\S]*?)\\n\\}`))?.[1] ?? ''
  return [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]!)
}

describe.each(['docs/onboarding.md', 'docs/troubleshooting.md', 'docs/data-model.md', 'docs/user-guide.md'])('%s', (file) => {
  it('names only files and folders that exist', () => {
    const paths = namedPaths(read(file))
    expect(paths.length).toBeGreaterThan(0)
    const missing = paths.filter((p) => !existsSync(join(root, p)))
    expect(missing, `${file} names paths that do not exist`).toEqual([])
  })
})

describe('docs/onboarding.md and the feature registry', () => {
  const page = read('docs/onboarding.md')
  const featureTs = read('src/platform/feature.ts')
  const featureKeys = interfaceKeys(featureTs, 'Feature')

  it('mentions every field of Feature (src/platform/feature.ts)', () => {
    expect(featureKeys).toContain('dashboardCards')
    const missing = featureKeys.filter((key) => key !== 'name' && !page.includes(`\`${key}\``) && !page.includes(`\`${key}:`))
    expect(missing, 'Feature fields the onboarding guide does not explain').toEqual([])
  })

  it('uses registry fields and shapes that exist', () => {
    const extension = section(page, '## 4. Extension points')
    // `nav: [{ … }]`, `dashboardCards: [{ id, title, … }]`: the field is Feature's, the element's keys its type's.
    for (const m of extension.matchAll(/`(\w+): \[\{ ([^`]*?) \}\]`/g)) {
      expect(featureKeys, m[1]).toContain(m[1])
      const element = featureTs.match(new RegExp(`^  ${m[1]}\\?: (?:Array<)?(\\w+)`, 'm'))?.[1]
      const keys = interfaceKeys(featureTs, element ?? '')
      for (const key of m[2]!.split(',').map((k) => k.trim().split(':')[0]!)) expect(keys, `${m[1]}.${key}`).toContain(key)
    }
    // Bare names in code spans are a Feature field, a field of a registry type, or declared in the code.
    const registryKeys = new Set([...featureTs.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]!))
    const declared = (name: string) => registryKeys.has(name) || declaredInCode(name)
    const names = [...extension.matchAll(/`([a-z][A-Za-z]+)`/g)].map((m) => m[1]!)
    expect(names).toContain('consumeQuota')
    expect(names.filter((n) => !declared(n))).toEqual([])
  })
})

describe('docs/tutorial.md', () => {
  const page = read('docs/tutorial.md')
  const command = page.match(/^npx quickscale generate feature (\S+) --metered "([^"]+)" --limit (\S+)$/m)
  const generated = command && Object.keys(renderFeatureFiles({ n: featureNames(command[1]!), metered: meterSpec(command[2], command[3]) }))

  it('shows the files `generate feature` writes for its command, and no others', () => {
    expect(command, 'the generate command').not.toBeNull()
    const output = page.match(/```\n( {2}\+ [\s\S]*?)```/)?.[1] ?? ''
    const listed = [...output.matchAll(/^ {2}\+ (\S+)$/gm)].map((m) => m[1]!).filter((f) => !f.startsWith('drizzle/'))
    expect(listed.sort()).toEqual([...generated!].sort())
    const named = namedPaths(page).filter((p) => p.startsWith(`src/${command![1]}/`) || p.startsWith(`test/${command![1]}/`)).filter((p) => !p.endsWith('/'))
    for (const path of named) expect(generated, path).toContain(path)
    const others = namedPaths(page).filter((p) => !named.includes(p) && !p.startsWith('drizzle/') && !p.includes(`/${command![1]}`) && !/team-notes/.test(p))
    expect(others.filter((p) => !existsSync(join(root, p)))).toEqual([])
  })

  it('quotes the sidebar entry as the generator writes it', () => {
    const nav = page.match(/^ {2}nav: .*$/m)?.[0]
    expect(nav).toBeDefined()
    expect(renderFeatureFiles({ n: featureNames(command![1]!), metered: meterSpec(command![2], command![3]) })[`src/${command![1]}/index.ts`]).toContain(nav)
  })

  it('quotes the summary line the command prints', () => {
    const spec = meterSpec(command![2], command![3])!
    expect(page).toContain(`✔ feature ${command![1]} generated (meter ${spec.metric}: ${describeLimits(spec)})`)
    expect(page).toContain(`(limits: ${describeLimits(spec)}; other plans 0)`)
  })
})

describe('docs/troubleshooting.md', () => {
  // Each quoted message (a `> ` line; `…` marks what varies) is searched for, piece by piece, in the code that
  // prints it: a reworded message fails here until the page quotes the new one.
  const places = ['src', 'scripts', 'templates', 'test/e2e/browser.ts']

  it('quotes messages the code still prints', () => {
    const quotes = [...read('docs/troubleshooting.md').matchAll(/^> (.+)$/gm)].map((m) => m[1]!)
    expect(quotes.length).toBeGreaterThan(10)
    const missing = quotes.flatMap((quote) => quote.split('…').map((piece) => piece.trim()).filter((piece) => piece.length >= 8)
      .filter((piece) => !inCode(piece, places)).map((piece) => `${piece}   (from: ${quote})`))
    expect(missing).toEqual([])
  })
})

function inCode(text: string, places: string[]): boolean {
  try {
    // In a template literal a backtick is written \`.
    const pattern = text.includes('`') ? `${text}\n${text.replaceAll('`', '\\`')}` : text
    execFileSync('grep', ['-rqF', '--', pattern, ...places.map((p) => join(root, p))])
    return true
  } catch {
    return false
  }
}

/** Declared as a function, constant, class, type or field in the app, the mail templates or the test helpers. */
function declaredInCode(name: string): boolean {
  try {
    execFileSync('grep', ['-rqE', `(function|const|class|interface|type) ${name}\\b|^\\s+${name}\\??: `, join(root, 'src'), join(root, 'templates'), join(root, 'test/helpers'), join(root, 'test/e2e/browser.ts')])
    return true
  } catch {
    return false
  }
}
