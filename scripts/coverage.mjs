// `npm run test:coverage` (docs/coverage.md, issue 21): line and branch coverage of src/ with istanbul,
// enforced. Each project runs on its own with --coverage (vitest.config.ts's `coverage`: istanbul, the
// provider the Workers pool supports), one after the other, so a 2-core machine runs one workerd at a time;
// the CLI's child processes count too (QS_CLI_COVERAGE_DIR, test/cli/istanbul/). The runs' reports are
// merged into one: the total, then every file under the goal, worst first. Exits non-zero when a run
// fails or the total falls below THRESHOLDS.
//   node scripts/coverage.mjs                 all projects
//   node scripts/coverage.mjs workers cli     some projects (the total then only counts those)
//   node scripts/coverage.mjs --report-only   merge what coverage/ already holds
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as libCoverage from '@vitest/istanbul-lib-coverage'
import * as libReport from '@vitest/istanbul-lib-report'
import * as libSourceMaps from '@vitest/istanbul-lib-source-maps'

// The goal of issue 21 is 90 % of lines and 80 % of branches. Both are met (95.36 % and 85.32 % measured
// on 2026-12-04, docs/coverage.md), so the floor is the goal. Raise a floor when coverage rises, never
// lower it to make a run pass.
export const GOAL = { lines: 90, branches: 80 }
export const THRESHOLDS = { lines: 90, branches: 80 }

// Every project whose tests exercise src/ in-process or through the CLI. `browser` is left out: its code
// runs in a separate `wrangler dev`, which istanbul's transform-time instrumentation does not reach.
const PROJECTS = ['workers', 'workers-resend', 'thumbnailer', 'scripts', 'cli']

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const OUT = process.env.QS_COVERAGE_OUT ?? path.join(ROOT, 'coverage')
const CLI_PROCESSES = path.join(OUT, 'cli-processes')

const args = process.argv.slice(2)
const reportOnly = args.includes('--report-only')
const chosen = args.filter((a) => !a.startsWith('--'))
const projects = chosen.length ? chosen : PROJECTS

let failed = false
if (!reportOnly) {
  for (const project of projects) {
    const dir = path.join(OUT, project)
    fs.rmSync(dir, { recursive: true, force: true })
    if (project === 'cli') fs.rmSync(CLI_PROCESSES, { recursive: true, force: true })
    console.log(`\n==> coverage: ${project}`)
    const started = Date.now()
    const run = spawnSync('npx', ['vitest', 'run', '--project', project, '--coverage'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, QS_COVERAGE_DIR: dir, ...(project === 'cli' ? { QS_CLI_COVERAGE_DIR: CLI_PROCESSES } : {}) },
    })
    console.log(`==> ${project}: exit ${run.status} after ${Math.round((Date.now() - started) / 1000)} s`)
    if (run.status !== 0) failed = true
  }
}

const map = libCoverage.createCoverageMap({})
for (const project of projects) {
  const file = path.join(OUT, project, 'coverage-final.json')
  if (fs.existsSync(file)) map.merge(JSON.parse(fs.readFileSync(file, 'utf8')))
  else failed = (console.error(`no coverage from ${project} (${path.relative(ROOT, file)})`), true)
}
// The CLI's processes: counters on esbuild's JavaScript, mapped back to the .ts lines here (each file's
// coverage carries its source map) before they join the in-process report.
if (projects.includes('cli') && fs.existsSync(CLI_PROCESSES)) {
  const raw = libCoverage.createCoverageMap({})
  for (const name of fs.readdirSync(CLI_PROCESSES)) raw.merge(JSON.parse(fs.readFileSync(path.join(CLI_PROCESSES, name), 'utf8')))
  map.merge(await libSourceMaps.createSourceMapStore().transformCoverage(raw))
}
map.filter((file) => file.startsWith(path.join(ROOT, 'src') + path.sep))

const context = libReport.createContext({ dir: OUT, coverageMap: map })
for (const reporter of ['json', 'json-summary', 'text-summary']) (await libReport.createAsync(reporter, { projectRoot: ROOT })).execute(context)

const rows = map.files().map((file) => {
  const s = map.fileCoverageFor(file).toSummary()
  return { file: path.relative(ROOT, file), lines: s.lines, branches: s.branches }
})
const pct = (m) => (m.total === 0 ? 100 : (100 * m.covered) / m.total)
const short = rows.filter((r) => pct(r.lines) < GOAL.lines || pct(r.branches) < GOAL.branches)
short.sort((a, b) => a.lines.covered - a.lines.total - (b.lines.covered - b.lines.total))
const lines = short.map((r) => `${r.file.padEnd(52)} lines ${pct(r.lines).toFixed(1).padStart(5)} % (${r.lines.total - r.lines.covered} missed)  branches ${pct(r.branches).toFixed(1).padStart(5)} % (${r.branches.total - r.branches.covered} missed)`)
fs.writeFileSync(path.join(OUT, 'short-of-goal.txt'), lines.join('\n') + '\n')
console.log(`\n${short.length} of ${rows.length} files under ${GOAL.lines} % lines or ${GOAL.branches} % branches (most missed lines first; all in ${path.relative(ROOT, path.join(OUT, 'short-of-goal.txt'))}):`)
console.log(lines.slice(0, 25).join('\n'))

const total = map.getCoverageSummary()
const totals = { lines: pct(total.lines), branches: pct(total.branches) }
console.log(`\nsrc/ total: lines ${totals.lines.toFixed(2)} % (goal ${GOAL.lines}, floor ${THRESHOLDS.lines}), branches ${totals.branches.toFixed(2)} % (goal ${GOAL.branches}, floor ${THRESHOLDS.branches})`)
for (const key of ['lines', 'branches']) {
  if (!chosen.length && totals[key] < THRESHOLDS[key]) failed = (console.error(`coverage: ${key} ${totals[key].toFixed(2)} % is below the floor of ${THRESHOLDS[key]} %`), true)
}
process.exit(failed ? 1 : 0)
