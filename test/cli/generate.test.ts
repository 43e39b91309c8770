import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT, runCli } from './helpers'

// A fresh project from `quickscale init`, a feature generated into it, and that project's typecheck.
// That the generated feature's own tests, the registry, malformed-forms and boundary tests then pass is
// shown by the slow CI step, which runs the new project's whole `npm test` (new-project.slow.test.ts).
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-cli-generate-'))
// As root, the project's embedded Postgres runs as the `postgres` user, who must reach its binaries here.
fs.chmodSync(work, 0o755)
const project = path.join(work, 'app')

afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

function run(command: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 540_000, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', CI: 'true' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: `${stdout}${stderr}` })
    })
  })
}

// A name the starter does not have yet: in a project that already generated team-notes (the slow CI
// step's), this test generates team-tasks.
const name = fs.existsSync(path.join(ROOT, 'src/team-notes')) ? 'team-tasks' : 'team-notes'
const camel = name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())
const snake = name.replace(/-/g, '_')

describe('quickscale generate feature', () => {
  it('scaffolds a registered, migrated feature that typechecks', async () => {
    expect((await runCli(['init', project, '--name', 'generated-app'])).code).toBe(0)
    // The installed packages for drizzle-kit and tsc (the slow step hard-links them, for its test pool).
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'))

    const gen = await runCli(['generate', 'feature', name, '--metered', '2'], { cwd: project })
    expect(gen.stderr).toBe('')
    expect(gen.code).toBe(0)
    for (const file of ['index.ts', 'schema.ts', 'service.ts', 'view.tsx', 'routes.tsx', 'meter.ts']) {
      expect(fs.existsSync(path.join(project, 'src', name, file)), file).toBe(true)
    }
    expect(gen.stdout).toMatch(new RegExp(`\\+ drizzle/\\d{4}_${snake}_init\\.sql`))
    const index = fs.readFileSync(path.join(project, 'src/index.tsx'), 'utf8')
    expect(index).toContain(`import { ${camel}Feature } from './${name}'`)
    expect(index).toMatch(new RegExp(`\\b${camel}Feature\\b`))

    const again = await runCli(['generate', 'feature', name], { cwd: project })
    expect(again.code).toBe(6)
    expect(again.stderr).toContain(`src/${name} already exists.`)

    const typecheck = await run('npx', ['tsc', '--noEmit'], project)
    expect(typecheck.output).toBe('')
    expect(typecheck.code).toBe(0)

    // Registered in the malformed-forms table (ADR 0007), which fails on an unlisted form route.
    expect(fs.readFileSync(path.join(project, 'test/platform/malformed-forms.test.ts'), 'utf8')).toContain(`{ path: '/${name}', field: 'title', signedIn: true },`)
    expect(fs.existsSync(path.join(project, `test/${name}/${name}.test.ts`))).toBe(true)
  }, 180_000)

  it('refuses a bad name with the rule and exit code 2', async () => {
    const run = await runCli(['generate', 'feature', 'Bad_Name'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('"Bad_Name" is not a usable feature name.')
    expect(run.stderr).toContain('fix: Use lowercase letters')
  })
})
