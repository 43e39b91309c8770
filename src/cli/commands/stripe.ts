import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Command } from 'commander'
import { CliError, EXIT, describeError } from '../errors'
import { printLine } from '../output'
import { findProjectRoot, resolveEnv } from '../project'
import { requireDatabaseUrl } from '../db-url'
import { isBillingInstalled, parseTarget, targetCheckOptions, type Target } from './check'
import { resolveDatabaseUrl } from './db'

const ENV_OPTION = 'development (test keys, .dev.vars), staging (test keys, environment) or production (live keys, environment)'

/** What both Stripe commands need: billing installed, a key of the target's mode, a database. */
function resolveStripeCommand(envOption: string, command: string): { root: string; target: Target; values: Record<string, string>; databaseUrl: string } {
  const target = parseTarget(envOption)
  const { env, stripeMode: mode } = targetCheckOptions(target)
  const root = findProjectRoot()
  if (!isBillingInstalled(root)) {
    throw new CliError('Billing is not installed in this project (no src/billing/index.ts), so there are no plans to sync.', `Add the billing feature to src/ and src/index.tsx, then run \`npx quickscale stripe ${command}\` again.`, EXIT.config)
  }
  // Stripe settings from the shell win over .dev.vars, as DATABASE_URL does for the db commands.
  const fromShell = Object.fromEntries(['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_API_BASE'].filter((k) => process.env[k]).map((k) => [k, process.env[k]!]))
  const values = { ...resolveEnv(root, env).values, ...fromShell }
  const key = values.STRIPE_SECRET_KEY
  if (!key) throw new CliError('STRIPE_SECRET_KEY is not set.', env === 'development' ? 'Add STRIPE_SECRET_KEY=sk_test_… to .dev.vars (Stripe dashboard → Developers → API keys).' : `Export STRIPE_SECRET_KEY=sk_${mode}_… for this command.`, EXIT.config)
  if (!new RegExp(`^(sk|rk)_${mode}_`).test(key)) throw new CliError(`STRIPE_SECRET_KEY is not a ${mode} key, but the environment is ${target}.`, `Use a ${mode} key (sk_${mode}_…) for ${target}.`, EXIT.config)
  const databaseUrl = env === 'production' ? requireDatabaseUrl(values, 'the environment') : resolveDatabaseUrl(root)
  return { root, target, values, databaseUrl }
}

export function registerStripe(program: Command): void {
  const stripe = program.command('stripe').description('Stripe: webhook endpoint, customer portal, products and prices of the plans')
  stripe
    .command('sync')
    .description('create or find the Stripe product and price of every plan and record their ids')
    .option('-e, --env <environment>', ENV_OPTION, 'development')
    .addHelpText('after', '\nExamples:\n  npx quickscale stripe sync\n  STRIPE_SECRET_KEY=sk_live_… DATABASE_URL=… npx quickscale stripe sync --env production')
    .action(async (opts: { env: string }) => {
      const { root, values, databaseUrl } = resolveStripeCommand(opts.env, 'sync')
      // Billing's public entry, by path: it is optional, so no static import can name it.
      const billing = (await import(pathToFileURL(path.join(root, 'src', 'billing', 'index.ts')).href)) as Record<string, unknown>
      const { syncWithBilling } = await import('../stripe-sync')
      try {
        const lines = await syncWithBilling(billing, values, databaseUrl)
        for (const line of lines) printLine(`✔ ${line}`)
      } catch (err) {
        if (err instanceof CliError) throw err
        throw new CliError(`Stripe sync failed: ${describeError(err)}.`, 'Check the network and that STRIPE_SECRET_KEY is valid, then run `npx quickscale stripe sync` again (it is safe to repeat).', EXIT.service, { cause: err })
      }
    })
  stripe
    .command('setup')
    .description('make Stripe match the app: the webhook endpoint at <APP_URL>/billing/webhook (pinned API version, the handled events), a customer-portal configuration, the plans')
    .option('-e, --env <environment>', ENV_OPTION, 'development')
    .option('--replace-endpoint', 'when the endpoint at that URL has another API version (Stripe cannot change it), create a new one beside it')
    .addHelpText('after', [
      '',
      'Idempotent: prints created / updated / unchanged for the endpoint, the portal and each plan. The signing',
      'secret is shown only when the endpoint is created (Stripe never shows it again). `quickscale deploy` runs',
      'this after the Workers are deployed when STRIPE_SECRET_KEY is exported. Guide: docs/billing.md#going-live',
      '',
      'Examples:',
      '  STRIPE_SECRET_KEY=sk_test_… DATABASE_URL=… npx quickscale stripe setup --env staging',
      '  STRIPE_SECRET_KEY=sk_live_… DATABASE_URL=… npx quickscale stripe setup --env production',
    ].join('\n'))
    .action(async (opts: { env: string; replaceEndpoint?: boolean }) => {
      const { root, target, values, databaseUrl } = resolveStripeCommand(opts.env, 'setup')
      const { createSetupContext, runStripeSetup, webhookUrlOf } = await import('../stripe-setup')
      const ctx = await createSetupContext(root, target, values, values.APP_URL ?? '', databaseUrl)
      printLine(`quickscale stripe setup (${target}): webhook ${webhookUrlOf(ctx.appUrl)}, API version ${ctx.apiVersion}`)
      await runStripeSetup(ctx, { replace: opts.replaceEndpoint }, printLine)
    })
}
