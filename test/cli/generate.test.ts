import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT, runCli } from './helpers'
import { meterSpec } from '../../src/cli/generate/metered'
import { CliError, EXIT } from '../../src/cli/errors'

// A fresh project from `quickscale init` and a metered feature generated into it: the files, the
// registration, the migrations and the test listings. That the generated project typechecks and the
// feature's own tests pass — its meter on /usage with the plan's limit, the 429 past it — with the registry,
// malformed-forms and boundary tests is shown by the slow CI step (generate-metered.slow.test.ts runs that
// project's tsc and tests; new-project.slow.test.ts runs a new project's whole `npm test`). The tsc run
// was here too, twice over a run's CI; it moved there alone (issue 21: test time).
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-cli-generate-'))
// As root, the project's embedded Postgres runs as the `postgres` user, who must reach its binaries here.
fs.chmodSync(work, 0o755)
const project = path.join(work, 'app')

afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

// A name the starter does not have yet: in a project that already generated team-notes (the slow CI
// step's), this test generates team-tasks.
const name = fs.existsSync(path.join(ROOT, 'src/team-notes')) ? 'team-tasks' : 'team-notes'
const camel = name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())
const snake = name.replace(/-/g, '_')

describe('quickscale generate feature', () => {
  it('scaffolds a registered, migrated, metered feature', async () => {
    expect((await runCli(['init', project, '--name', 'generated-app'])).code).toBe(0)
    // The installed packages for drizzle-kit (the slow step hard-links them, for its test pool).
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'))

    const gen = await runCli(['generate', 'feature', name, '--metered', 'Shared notes', '--limit', 'free=2,pro=1000,business=unlimited'], { cwd: project })
    expect(gen.stderr).toBe('')
    expect(gen.code).toBe(0)
    for (const file of ['index.ts', 'schema.ts', 'service.ts', 'view.tsx', 'routes.tsx', 'meter.ts']) {
      expect(fs.existsSync(path.join(project, 'src', name, file)), file).toBe(true)
    }
    expect(gen.stdout).toMatch(new RegExp(`\\+ drizzle/\\d{4}_${snake}_init\\.sql`))
    const index = fs.readFileSync(path.join(project, 'src/index.tsx'), 'utf8')
    expect(index).toContain(`import { ${camel}Feature } from './${name}'`)
    expect(index).toMatch(new RegExp(`\\b${camel}Feature\\b`))
    // The meter: declared in the feature's entry (the registry's meters, which /usage lists) and consumed
    // through usage's public entry; its limits are a migration over the plans table.
    expect(fs.readFileSync(path.join(project, 'src', name, 'index.ts'), 'utf8')).toContain(`meters: ${camel}Meters,`)
    expect(fs.readFileSync(path.join(project, 'src', name, 'meter.ts'), 'utf8')).toContain("export const METRIC = 'shared_notes'")
    expect(fs.readFileSync(path.join(project, 'src', name, 'routes.tsx'), 'utf8')).toContain("import { consumeQuota, quotaExceeded, readQuota, releaseQuota } from '../usage'")
    const limitsFile = new RegExp(`\\+ (drizzle/\\d{4}_${snake}_meter_limits\\.sql) \\(limits: free 2, pro 1000, business unlimited; other plans 0\\)`).exec(gen.stdout)?.[1]
    expect(limitsFile, gen.stdout).toBeDefined()
    expect(fs.readFileSync(path.join(project, limitsFile!), 'utf8')).toContain(
      `UPDATE "plans" SET "meter_limits" = "meter_limits" || jsonb_build_object('shared_notes', CASE "id" WHEN 'free' THEN 2 WHEN 'pro' THEN 1000 WHEN 'business' THEN -1 ELSE 0 END)`,
    )

    // The data-model page is redrawn with the new table (its staleness test would fail the project's npm test).
    expect(gen.stdout).toContain('~ docs/data-model.md (tables drawn)')
    expect(fs.readFileSync(path.join(project, 'docs/data-model.md'), 'utf8')).toContain(`### ${name} — \`src/${name}/schema.ts\``)

    const again = await runCli(['generate', 'feature', name], { cwd: project })
    expect(again.code).toBe(6)
    expect(again.stderr).toContain(`src/${name} already exists.`)

    // Registered in the malformed-forms table (ADR 0007), which fails on an unlisted form route.
    expect(fs.readFileSync(path.join(project, 'test/platform/malformed-forms.test.ts'), 'utf8')).toContain(`{ path: '/${name}', field: 'title', signedIn: true },`)
    expect(fs.existsSync(path.join(project, `test/${name}/${name}.test.ts`))).toBe(true)
  }, 180_000)

  it('refuses a meter given as a number, with the new form, exit 2 and nothing written', async () => {
    const run = await runCli(['generate', 'feature', 'metered-probe', '--metered', '100'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--metered now names what is counted, not a number ("100").')
    expect(run.stderr).toContain('fix: Use --metered "items added" --limit free=100,pro=1000')
    expect(fs.existsSync(path.join(ROOT, 'src/metered-probe'))).toBe(false)
  })

  it('reads --metered and --limit, and names what is wrong with them (usage errors)', () => {
    expect(meterSpec(undefined, undefined)).toBeUndefined()
    expect(meterSpec('  Report   Exports ', 'free=10, pro=1000,business=unlimited')).toEqual({
      noun: 'report exports', metric: 'report_exports',
      limits: [{ plan: 'free', limit: 10 }, { plan: 'pro', limit: 1000 }, { plan: 'business', limit: null }],
    })
    const cases: Array<[string | undefined, string | undefined, string, string]> = [
      ['report exports', undefined, '--metered needs --limit', 'Add --limit free=10,pro=1000'],
      [undefined, 'free=1', '--limit needs --metered', 'Add --metered "report exports"'],
      ['report exports', 'free=ten', '"free=ten" is not a plan limit.', 'Write plan=number or plan=unlimited'],
      ['report exports', 'free=1,free=2', '--limit names plan "free" twice.', 'Give each plan one limit.'],
      ['report exports', ' , ', '--limit is empty.', 'Give at least one plan'],
      ['uploads', 'free=1', '"uploads" is a built-in meter of the usage feature.', 'Name what this feature counts'],
      ['report-exports!', 'free=1', '"report-exports!" cannot name a meter.', 'Use lowercase words and digits'],
    ]
    for (const [metered, limit, message, fix] of cases) {
      const error = (() => { try { meterSpec(metered, limit) } catch (err) { return err as CliError } })()
      expect(error, `${metered} / ${limit}`).toBeInstanceOf(CliError)
      expect(error!.message).toContain(message)
      expect(error!.fix).toContain(fix)
      expect(error!.exitCode).toBe(EXIT.usage)
    }
  })

  it('refuses a bad name with the rule and exit code 2', async () => {
    const run = await runCli(['generate', 'feature', 'Bad_Name'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('"Bad_Name" is not a usable feature name.')
    expect(run.stderr).toContain('fix: Use lowercase letters')
  })
})
