import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import { EXIT } from '../../src/cli/errors'
import { createProgram } from '../../src/cli/main'

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
