import { CliError, EXIT } from './errors'

/** Adapts billing's syncPlansToStripe to the CLI; filled in when billing lands (issue 10). */
export async function syncWithBilling(_billing: Record<string, unknown>, _values: Record<string, string>): Promise<string[]> {
  throw new CliError('This version of the CLI does not know how to call billing\'s syncPlansToStripe yet.', 'Update the CLI (src/cli/stripe-sync.ts).', EXIT.config)
}
