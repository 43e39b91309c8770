// Istanbul coverage for `quickscale` run as a child process (docs/coverage.md). vitest's istanbul provider
// only sees code in its own workers, and the CLI tests run the CLI as a user would, in a new `node`. When
// QS_CLI_COVERAGE_DIR is set, test/cli/helpers.ts starts that node with `--import` of this file, which:
// - registers ./loader.mjs (compiles and instruments src/ itself), then the CLI's own hooks (tsx, .wasm,
//   cloudflare:workers; bin/quickscale.mjs's later call is then a no-op) for everything else;
// - writes the process's counters to QS_CLI_COVERAGE_DIR on exit, for scripts/coverage.mjs to map back to
//   the .ts sources (through esbuild's source maps) and merge with the in-process report.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { register } from 'node:module'
import { registerNodeHooks } from '../../../bin/node-hooks.mjs'

const dir = process.env.QS_CLI_COVERAGE_DIR
if (dir) {
  register('./loader.mjs', import.meta.url)
  registerNodeHooks()
  process.on('exit', () => {
    const coverage = globalThis.__qs_cli_coverage__
    if (!coverage) return
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, `cli-${process.pid}-${crypto.randomUUID()}.json`), JSON.stringify(coverage))
  })
}
