import fs from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { CliError, EXIT } from '../errors'
import { printLine } from '../output'
import { runCommand } from '../process'
import { findProjectRoot } from '../project'

export function registerGenerate(program: Command): void {
  const generate = program.command('generate').description('scaffold code in the project\'s shapes')
  generate
    .command('feature')
    .description('a new feature folder (entry, routes, view, service, schema, migration, test), registered in src/index.tsx')
    .argument('<name>', 'kebab-case name, like notes or team-notes (folder src/<name>, page /<name>)')
    .option('--metered <words>', 'each item added counts one of a meter with this name ("report exports"), like the built-in meters: atomic, per period, on /usage, 429 over the plan\'s limit')
    .option('--limit <plan=n,...>', 'the meter\'s limit per plan and period: free=10,pro=1000,business=unlimited (plans not named: 0)')
    .option('--no-migration', 'write the schema but do not run `npm run db:generate`')
    .addHelpText('after', '\nExamples:\n  npx quickscale generate feature notes\n  npx quickscale generate feature reports --metered "report exports" --limit free=10,pro=1000,business=unlimited\n\nThen: npx quickscale db migrate && npx vitest run --project workers test/<name>/')
    .action(async (rawName: string, opts: { metered?: string; limit?: string; migration: boolean }) => {
      const { featureNames } = await import('../generate/names')
      const { renderFeatureFiles } = await import('../generate/templates')
      const { registerFeature, registerFormRoute } = await import('../generate/register')
      const { describeLimits, meterLimitsSql, meterSpec } = await import('../generate/metered')
      const n = featureNames(rawName)
      const metered = meterSpec(opts.metered, opts.limit)
      if (metered && !opts.migration) throw new CliError('--metered needs its migration: the plans\' limits are rows in the plans table.', 'Leave out --no-migration.', EXIT.usage)
      const root = findProjectRoot()
      const folder = path.join(root, 'src', n.kebab)
      if (fs.existsSync(folder)) throw new CliError(`src/${n.kebab} already exists.`, 'Choose another name, or remove the folder first.', EXIT.refused)
      const indexFile = path.join(root, 'src', 'index.tsx')
      const registered = registerFeature(fs.readFileSync(indexFile, 'utf8'), n)
      const formsTest = path.join(root, 'test', 'platform', 'malformed-forms.test.ts')
      const formsListed = fs.existsSync(formsTest) ? registerFormRoute(fs.readFileSync(formsTest, 'utf8'), n) : null
      const files = renderFeatureFiles({ n, metered })
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
      if (metered) {
        // A custom migration (drizzle-kit writes the empty file and its journal entry), after the schema's.
        const run = await runCommand('npx', ['drizzle-kit', 'generate', '--custom', '--name', `${n.snake}_meter_limits`], { cwd: root })
        const migration = /Your SQL migration file.*?(drizzle\/[\w.]+\.sql)/.exec(run.output.replace(/\x1b\[[0-9;]*m/g, ''))?.[1]
        const command = `quickscale generate feature ${n.kebab} --metered "${metered.noun}" --limit ${opts.limit}`
        if (run.code !== 0 || !migration) {
          throw new CliError(`The feature is written, but drizzle-kit could not make the limits migration: ${run.output.trim().split('\n').slice(-2).join(' ')}`, `Run \`npm run db:generate -- --custom --name ${n.snake}_meter_limits\` and put the plans' limits in it (docs/cli.md).`, EXIT.failed)
        }
        fs.writeFileSync(path.join(root, migration), meterLimitsSql(metered, command))
        printLine(`  + ${migration} (limits: ${describeLimits(metered)}; other plans 0)`)
      }
      // docs/data-model.md is generated from the schemas, and a test fails when it is stale: draw the new
      // table now so the project's own npm test stays green (issue 21).
      if (fs.existsSync(path.join(root, 'scripts', 'er-diagram.mjs'))) {
        const run = await runCommand('npx', ['tsx', 'scripts/er-diagram.mjs'], { cwd: root })
        if (run.code !== 0) throw new CliError(`The feature is written, but docs/data-model.md could not be redrawn: ${run.output.trim().split('\n').slice(-2).join(' ')}`, 'Run `npx tsx scripts/er-diagram.mjs` after fixing the schema.', EXIT.failed)
        printLine('  ~ docs/data-model.md (tables drawn)')
      }
      printLine(`✔ feature ${n.kebab} generated${metered ? ` (meter ${metered.metric}: ${describeLimits(metered)})` : ''}`)
      printLine('\nNext:')
      printLine('  npx quickscale db migrate')
      printLine(`  npx vitest run --project workers test/${n.kebab}/`)
      printLine(`  open /${n.kebab} (signed in)`)
    })
}
