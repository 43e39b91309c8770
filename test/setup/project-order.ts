import path from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The order projects start in within a group (issue 21: test time). vitest's own sequencer runs a group's
 * projects in alphabetical order, each one's files longest first; this keeps the latter and chooses the
 * former, so the run's shape does not depend on what projects are called:
 * - `cli` first: its files are CPU-bound (processes, a generated project's tsc), so they go while the
 *   machine is fresh and end early enough for the rest to fill around their tail;
 * - the few slow, mostly waiting files next (`dev-server` waits on two `wrangler dev` starts, `workers-resend`
 *   on real queue redeliveries), so they do not run alone at the end;
 * - `workers` last: a hundred short files that fill every slot until the group ends.
 * A project keeps its files together: a slot that goes from one project to another starts a new runner
 * (for workerd, a runtime and the Worker's modules), which costs seconds.
 */
const ORDER = ['cli', 'dev-server', 'workers-resend', 'thumbnailer', 'scripts', 'workers', 'browser']

/**
 * The slowest files, started first in their project even without vitest's cache of durations, which a fresh
 * clone (CI) does not have: vitest then orders by file size, and a long file started last leaves its slot
 * running alone at the end (CI 2026-12-05: the CLI files took 42 s instead of 34). Seconds on a quiet 2-core
 * machine, from the runs of 2026-12-05 07:10. A name that is no longer a test file fails test/scripts/project-order.test.ts.
 */
export const SLOWEST_FIRST = [
  'test/cli/db.test.ts', // 18 s
  'test/cli/generate.test.ts', // 14 s
  'test/cli/check.test.ts', // 14 s
  'test/cli/stripe.test.ts', // 14 s
  'test/e2e/page-tour.test.ts', // 52 s
  'test/e2e/files.test.ts', // 23 s
  'test/e2e/cli-admin.test.ts', // 21 s
  'test/e2e/journey.test.ts', // 21 s
  'test/e2e/usage.test.ts', // 14 s
]

export class ProjectOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const at = ORDER.indexOf(spec.project.name)
      return at === -1 ? ORDER.length : at
    }
    const root = this.ctx.config.root
    const slow = (spec: TestSpecification) => {
      const at = SLOWEST_FIRST.indexOf(path.relative(root, spec.moduleId).split(path.sep).join('/'))
      return at === -1 ? SLOWEST_FIRST.length : at
    }
    // Array.prototype.sort is stable: within a project the base order (longest or largest first) stays
    // after the listed slowest files.
    return (await super.sort(files)).sort((a, b) =>
      a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder || rank(a) - rank(b) || slow(a) - slow(b))
  }
}
