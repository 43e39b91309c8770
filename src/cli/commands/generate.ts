import fs from 'node:fs'
import path from 'node:path'
import { InvalidArgumentError, type Command } from 'commander'
import { CliError, EXIT } from '../errors'
import { printLine } from '../output'
import { runCommand } from '../process'
import { findProjectRoot } from '../project'

function parseMetered(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new InvalidArgumentError('expected a whole number of items per month, from 1 to 1000000.')
  return n
}

export function registerGenerate(program: Command): void {
  const generate = program.command('generate').description('scaffold code in the project\'s shapes')
  generate
    .command('feature')
    .description('a new feature folder (entry, routes, view, service, schema, migration, test), registered in src/index.tsx')
    .argument('<name>', 'kebab-case name, like notes or team-notes (folder src/<name>, page /<name>)')
    .option('--metered <n>', 'each user may add n items per calendar month (UTC); over it, 429 with a message', parseMetered)
    .option('--no-migration', 'write the schema but do not run `npm run db:generate`')
    .addHelpText('after', '\nExamples:\n  npx quickscale generate feature notes\n  npx quickscale generate feature reports --metered 100\n\nThen: npx quickscale db migrate && npx vitest run --project workers test/<name>/')
    .action(async (rawName: string, opts: { metered?: number; migration: boolean }) => {
      const { featureNames } = await import('../generate/names')
      const { renderFeatureFiles } = await import('../generate/templates')
      const { registerFeature, registerFormRoute } = await import('../generate/register')
      const n = featureNames(rawName)
      const root = findProjectRoot()
      const folder = path.join(root, 'src', n.kebab)
      if (fs.existsSync(folder)) throw new CliError(`src/${n.kebab} already exists.`, 'Choose another name, or remove the folder first.', EXIT.refused)
      const indexFile = path.join(root, 'src', 'index.tsx')
      const registered = registerFeature(fs.readFileSync(indexFile, 'utf8'), n)
      const formsTest = path.join(root, 'test', 'platform', 'malformed-forms.test.ts')
      const formsListed = fs.existsSync(formsTest) ? registerFormRoute(fs.readFileSync(formsTest, 'utf8'), n) : null
      const files = renderFeatureFiles({ n, metered: opts.metered })
      for (const [relative, content] of Object.entries(files)) {
        const file = path.join(root, relative)
        fs.mkdirSync(path.dirname(file), { recursive: true })
        fs.writeFileSync(file, content)
        printLine(`  + ${relative}`)
      }
      fs.writeFileSync(indexFile, registered)
      printLine('  ~ src/index.tsx (registered)')
      if (formsListed !== null) {
        fs.writeFileSync(formsTest, formsListed)
        printLine('  ~ test/platform/malformed-forms.test.ts (form route listed)')
      }
      if (opts.migration) {
        const run = await runCommand('npx', ['drizzle-kit', 'generate', '--name', `${n.snake}_init`], { cwd: root })
        const migration = /Your SQL migration file.*?(drizzle\/[\w.]+\.sql)/.exec(run.output.replace(/\x1b\[[0-9;]*m/g, ''))?.[1]
        if (run.code !== 0 || !migration) {
          throw new CliError(`The files are written, but drizzle-kit could not write the migration: ${run.output.trim().split('\n').slice(-2).join(' ')}`, `Fix src/${n.kebab}/schema.ts if needed, then run \`npm run db:generate -- --name ${n.snake}_init\`.`, EXIT.failed)
        }
        printLine(`  + ${migration}`)
      }
      printLine(`✔ feature ${n.kebab} generated${opts.metered ? ` (metered: ${opts.metered} per month)` : ''}`)
      printLine('\nNext:')
      printLine('  npx quickscale db migrate')
      printLine(`  npx vitest run --project workers test/${n.kebab}/`)
      printLine(`  open /${n.kebab} (signed in)`)
    })
}
