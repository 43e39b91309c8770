import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The order projects start in within a group (issue 21: test time). vitest's own sequencer runs a group's
 * projects in alphabetical order, each one's files longest first; this keeps the latter and chooses the
 * former, so the run's shape does not depend on what projects are called:
 * - `cli` first: its files are CPU-bound (processes, a generated project's tsc), so they go while the
 *   machine is fresh and end early enough for the rest to fill around their tail;
 * - the few slow, mostly waiting files next (`workers-resend` waits on real queue redeliveries), so they do
 *   not run alone at the end;
 * - `workers` last: a hundred short files that fill every slot until the group ends.
 * A project keeps its files together: a slot that goes from one project to another starts a new runner
 * (for workerd, a runtime and the Worker's modules), which costs seconds.
 */
const ORDER = ['cli', 'workers-resend', 'thumbnailer', 'scripts', 'workers', 'browser']

export class ProjectOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => {
      const at = ORDER.indexOf(spec.project.name)
      return at === -1 ? ORDER.length : at
    }
    // Array.prototype.sort is stable: within a project the base order (longest or largest first) stays.
    return (await super.sort(files)).sort((a, b) =>
      a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder || rank(a) - rank(b))
  }
}
