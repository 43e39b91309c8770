import { CliError, EXIT, describeError, type ExitCode } from '../errors'

// Deploy's changes, one step at a time. Each step is idempotent (creates run only for what was found
// missing, migrations skip what is applied, a deploy replaces the previous version), so after a failure
// the report says what was done and what was not, and running deploy again continues from there.

export interface DeployStep {
  /** The heading printed before the first step of each stage (`3/6 resources`). */
  stage: string
  label: string
  run: () => Promise<void>
  /** The exit code when this step fails (5: Cloudflare, 4: the database). */
  exitCode: ExitCode
}

export async function runDeploySteps(steps: DeployStep[], print: (line: string) => void, printError: (line: string) => void): Promise<void> {
  const done: string[] = []
  let stage = ''
  for (const [index, step] of steps.entries()) {
    if (step.stage !== stage) print((stage = step.stage))
    print(`  → ${step.label}`)
    try {
      await step.run()
    } catch (err) {
      if (err instanceof CliError && err.exitCode === EXIT.internal) throw err
      printError(`✖ ${step.label} failed: ${describeError(err)}`)
      if (err instanceof CliError) printError(`  fix: ${err.fix}`)
      printError(`  done:     ${done.length > 0 ? done.join('; ') : 'nothing'}`)
      printError(`  not done: ${steps.slice(index).map((s) => s.label).join('; ')}`)
      throw new CliError(
        `Deploy stopped at "${step.label}".`,
        'Fix the cause named above and run `npx quickscale deploy` again: it finds what exists, skips what is done and continues.',
        step.exitCode,
        { cause: err },
      )
    }
    done.push(step.label)
    print(`  ✔ ${step.label}`)
  }
}
