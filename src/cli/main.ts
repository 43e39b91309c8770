import { Command, CommanderError } from 'commander'
import { registerAdmin } from './commands/admin'
import { registerCheck } from './commands/check'
import { registerCrawl } from './commands/crawl'
import { registerDb } from './commands/db'
import { registerDeploy } from './commands/deploy'
import { registerGenerate } from './commands/generate'
import { registerInit } from './commands/init'
import { registerLogs } from './commands/logs'
import { registerStripe } from './commands/stripe'
import { CliError, EXIT, describeError } from './errors'
import { printError } from './output'

/**
 * `quickscale`: the project's command line (docs/cli.md). Commander parses; this file turns every failure
 * into one readable message plus its fix, and a documented exit code (src/cli/errors.ts). Stacks only
 * with --verbose.
 */
export function createProgram(): Command {
  const program = new Command()
    .name('quickscale')
    .description('QuickScale Edge: create, check, migrate, seed, manage admins, sync Stripe, tail logs, deploy, generate features, crawl.')
    .version(readVersion(), '-V, --version', 'print the CLI version')
    .option('--verbose', 'show full error details (stack traces, raw tool output)')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run `quickscale --help` for the list of commands and options)')
    .exitOverride()
    .addHelpText('after', '\nExit codes: 0 ok · 1 failed · 2 usage · 3 configuration · 4 database · 5 outside service · 6 refused · 70 bug.\nDocs: docs/cli.md')
  registerInit(program)
  registerCheck(program)
  registerDb(program)
  registerAdmin(program)
  registerStripe(program)
  registerLogs(program)
  registerDeploy(program)
  registerGenerate(program)
  registerCrawl(program)
  // Subcommands inherit the error handling, so `quickscale db frob` suggests as `quickscale frob` does.
  const inherit = (cmd: Command) => {
    for (const sub of cmd.commands) {
      sub.exitOverride().showSuggestionAfterError(true).showHelpAfterError(`(run \`quickscale ${fullName(sub)} --help\` for its usage)`)
      inherit(sub)
    }
  }
  inherit(program)
  return program
}

function fullName(cmd: Command): string {
  const names: string[] = []
  for (let c: Command | null = cmd; c && c.parent; c = c.parent) names.unshift(c.name())
  return names.join(' ')
}

function readVersion(): string {
  return '0.1.0'
}

/** Parses argv, runs the command and returns the exit code; never throws. */
export async function runCli(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose')
  const program = createProgram()
  try {
    await program.parseAsync(argv)
    return EXIT.ok
  } catch (err) {
    return reportFailure(err, verbose)
  }
}

function reportFailure(err: unknown, verbose: boolean): number {
  if (err instanceof CommanderError) {
    // Commander already printed its message (with "Did you mean …?") and the help hint.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok
    if (err.code === 'commander.executeSubCommandAsync') return err.exitCode
    return EXIT.usage
  }
  if (err instanceof CliError) {
    printError(`✖ ${err.message}`)
    printError(`  fix: ${err.fix}`)
    if (verbose && err.cause) printError(`\n${stackOf(err.cause)}`)
    return err.exitCode
  }
  printError(`✖ Unexpected error: ${describeError(err)}`)
  printError(verbose ? `\n${stackOf(err)}` : '  fix: run the command again with --verbose for details, and report it if it persists.')
  return EXIT.internal
}

function stackOf(err: unknown): string {
  return err instanceof Error && err.stack ? err.stack : String(err)
}
