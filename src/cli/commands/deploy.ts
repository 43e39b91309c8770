import type { Command } from 'commander'
import { redactUrl } from '../db-url'
import { CliError, EXIT } from '../errors'
import { printError, printLine } from '../output'
import { findProjectRoot, resolveEnv } from '../project'
import { createBucket, createQueue, deployWorker, readAccountState } from '../deploy/account'
import { buildDeployPlan, findRefusals, formatPlan } from '../deploy/plan'
import { checkDeployedHealth, healthUrl } from '../deploy/smoke'
import { runDeploySteps, type DeployStep } from '../deploy/steps'
import { deriveResources, readWorkerTargets } from '../deploy/targets'
import { createWranglerRunner, type WranglerRunner } from '../deploy/wrangler'
import { webhookUrlOf, type StripeSetupContext } from '../stripe-setup'
import { isBillingInstalled, parseTarget, printCheck, runChecks, targetCheckOptions, type Target } from './check'
import { requireCloudflareLogin } from './logs'

export interface DeployOptions {
  target: Target
  dryRun: boolean
  /** Where the smoke check goes instead of APP_URL (a workers.dev address while DNS is on its way). */
  smokeUrl?: string
  /** How long the smoke check keeps asking (default 60 s: a fresh route can take that long to answer). */
  smokeTimeoutMs?: number
}

export interface DeployDependencies {
  wrangler: WranglerRunner
  fetch: typeof fetch
  now: () => number
  sleep: (ms: number) => Promise<void>
}

/**
 * `quickscale deploy` (docs/deploy.md): reads both Workers' configs and the account, checks, then
 * creates the missing queues and bucket, migrates, deploys the companions and the web Worker, and asks
 * the site's /health. Nothing changes until every check, secret and setting is in place.
 */
export async function deployProject(root: string, options: DeployOptions, deps: DeployDependencies): Promise<void> {
  printLine(`quickscale deploy (${options.target})${options.dryRun ? ' — dry run, nothing will be changed' : ''}`)
  const workers = readWorkerTargets(root, isBillingInstalled(root))
  const web = workers[workers.length - 1]!
  const resources = deriveResources(workers)
  // Stripe setup runs when billing is installed and its key exported (Cloudflare never hands it back).
  const stripeKey = isBillingInstalled(root) ? resolveEnv(root, 'production', web.config).values.STRIPE_SECRET_KEY : undefined
  const total = stripeKey ? 7 : 6
  printLine(`1/${total} Cloudflare account: queues, R2 buckets, secrets of each Worker`)
  const account = await readAccountState(deps.wrangler, workers)
  printLine(`2/${total} quickscale check (${options.target})`)
  const checks = await runChecks(root, { ...targetCheckOptions(options.target), setInCloudflare: account.secrets.get(web.name), migrationsOnlyDatabaseUrl: true }, printCheck)
  const values = resolveEnv(root, 'production', web.config).values
  const pendingMigrations = await readPendingMigrations(root, values.DATABASE_URL, checks.some((c) => c.check === 'database' && c.status === 'pass'))
  const appUrl = values.APP_URL ?? ''
  const plan = buildDeployPlan({ workers, resources, account, pendingMigrations, migrationsTarget: values.DATABASE_URL && redactUrl(values.DATABASE_URL), appUrl, smokeUrl: options.smokeUrl ?? appUrl })
  printLine('Plan:')
  for (const line of formatPlan(plan)) printLine(line)
  if (isBillingInstalled(root)) printLine(stripeKey ? `  stripe setup: webhook endpoint ${webhookUrlOf(appUrl)}, customer portal, plans (after the smoke check)` : `  stripe setup: skipped, STRIPE_SECRET_KEY is not exported (run \`npx quickscale stripe setup --env ${options.target}\` with it)`)
  const refusals = findRefusals(plan, checks, values.DATABASE_URL)
  for (const refusal of refusals.slice(0, -1)) {
    printError(`✖ ${refusal.message}`)
    printError(`  fix: ${refusal.fix}`)
  }
  const last = refusals[refusals.length - 1]
  if (last) throw new CliError(`${last.message}${options.dryRun ? '' : ' Nothing was changed.'}`, last.fix, last.exitCode)
  if (options.dryRun) {
    printLine('✔ Dry run: the plan above would go through; nothing was changed.')
    return
  }

  const created = plan.missing.queues.length + plan.missing.buckets.length
  const resourcesStage = `3/${total} resources: ${created === 0 ? 'all exist' : `${created} to create`}`
  if (created === 0) printLine(resourcesStage)
  const steps: DeployStep[] = [
    ...plan.missing.queues.map((name): DeployStep => ({ stage: resourcesStage, label: `create queue ${name}`, run: () => createQueue(deps.wrangler, name), exitCode: EXIT.service })),
    ...plan.missing.buckets.map((name): DeployStep => ({ stage: resourcesStage, label: `create R2 bucket ${name}`, run: () => createBucket(deps.wrangler, name), exitCode: EXIT.service })),
    { stage: `4/${total} migrations`, label: `apply migrations (${pendingMigrations?.length ? `${pendingMigrations.length} pending` : 'none pending'})`, run: () => applyPendingMigrations(root, values.DATABASE_URL!), exitCode: EXIT.database },
    ...workers.map((worker): DeployStep => ({ stage: `5/${total} Workers`, label: `deploy ${worker.name} (${worker.configPath})`, run: () => deployWorker(deps.wrangler, worker), exitCode: EXIT.service })),
    { stage: `6/${total} smoke check`, label: `smoke check ${healthUrl(plan.smokeUrl)}`, run: () => requireHealthyDeploy(plan.smokeUrl, deps, options.smokeTimeoutMs), exitCode: EXIT.service },
    ...(stripeKey ? stripeSetupSteps(root, options.target, `7/${total} Stripe`, { ...values, STRIPE_API_BASE: process.env.QUICKSCALE_STRIPE_API_BASE ?? '' }, appUrl) : []),
  ]
  await runDeploySteps(steps, printLine, printError)
  printLine(`✔ Deployed ${workers.map((w) => w.name).join(' and ')}: ${appUrl}`)
}

/**
 * `quickscale stripe setup` as three deploy steps (each idempotent, each in the done / not-done lists):
 * once the site answers, Stripe's webhook endpoint points at it, the portal exists, the plans are synced.
 * QUICKSCALE_STRIPE_API_BASE points them at a Stripe stand-in (tests); STRIPE_API_BASE itself is refused
 * in production by the checks.
 */
function stripeSetupSteps(root: string, target: Target, stage: string, values: Record<string, string>, appUrl: string): DeployStep[] {
  let context: Promise<StripeSetupContext> | undefined
  const ctx = () => (context ??= import('../stripe-setup').then((m) => m.createSetupContext(root, target, values, appUrl, values.DATABASE_URL!)))
  const setup = () => import('../stripe-setup')
  const rerun = `npx quickscale stripe setup --env ${target}`
  const step = (label: string, run: (m: typeof import('../stripe-setup'), c: StripeSetupContext) => Promise<string[]>): DeployStep => ({
    stage, label, exitCode: EXIT.service,
    run: async () => {
      const m = await setup()
      try {
        for (const line of await run(m, await ctx())) printLine(`    ${line}`)
      } catch (err) {
        throw m.asStripeFailure(err, label, rerun)
      }
    },
  })
  return [
    step(`Stripe webhook endpoint ${webhookUrlOf(appUrl)}`, async (m, c) => {
      const result = await m.ensureWebhookEndpoint(c)
      if (!result.secret) return result.lines
      return [...result.lines, ...m.formatSecretLines(result.secret, target), '  ! until then the web Worker\'s STRIPE_WEBHOOK_SECRET is another endpoint\'s, and Stripe\'s deliveries get 400 (Stripe retries them for three days).']
    }),
    step('Stripe customer portal', async (m, c) => [await m.ensurePortalConfiguration(c)]),
    step('Stripe plans', (m, c) => m.syncSetupPlans(c)),
  ]
}

async function readPendingMigrations(root: string, url: string | undefined, reachable: boolean): Promise<string[] | null> {
  if (!url || !reachable) return null
  const { readMigrationStatus, withDatabase } = await import('../db')
  return withDatabase(url, async ({ client }) => (await readMigrationStatus(client, root)).pending)
}

async function applyPendingMigrations(root: string, url: string): Promise<void> {
  const { applyMigrations, withDatabase } = await import('../db')
  await withDatabase(url, async ({ client }) => {
    await applyMigrations(client, root)
  })
}

async function requireHealthyDeploy(url: string, deps: DeployDependencies, timeoutMs?: number): Promise<void> {
  const result = await checkDeployedHealth(url, deps, { timeoutMs })
  if (!result.ok) {
    throw new Error(`${healthUrl(url)} answered ${result.detail} after ${result.attempts} attempt${result.attempts === 1 ? '' : 's'} (the Workers are deployed; is APP_URL routed to ${url.includes('workers.dev') ? 'the Worker' : 'it, and is DATABASE_URL right'}? \`npx quickscale logs --status error\` shows the errors)`)
  }
  printLine(`    ${healthUrl(url)}: ${result.detail}`)
}

export function registerDeploy(program: Command): void {
  program
    .command('deploy')
    .description('create the queues and R2 bucket, check secrets, migrate, deploy the thumbnailer and the web Worker, smoke-check /health')
    .option('-e, --env <environment>', 'production (Stripe live keys) or staging (Stripe test keys)', 'production')
    .option('--dry-run', 'print the plan (what exists, what will be created, which secrets are missing, pending migrations); change nothing')
    .option('--smoke-url <url>', 'check this address\'s /health after the deploy instead of APP_URL\'s (e.g. the workers.dev one while DNS propagates)')
    .addHelpText('after', [
      '',
      'Secrets are set once per Worker with `npx wrangler secret put NAME [-c workers/<name>/wrangler.toml]`;',
      'deploy lists them and stops before any change when one is missing. Migrations run from this machine:',
      'export DATABASE_URL. QUICKSCALE_WRANGLER=/path replaces `npx wrangler`; QUICKSCALE_SMOKE_TIMEOUT_MS',
      '(default 60000) bounds the smoke check. Guide: docs/deploy.md',
      '',
      'Examples:',
      '  npx quickscale deploy --dry-run',
      '  DATABASE_URL=… npx quickscale deploy',
      '  DATABASE_URL=… STRIPE_SECRET_KEY=sk_test_… npx quickscale deploy --env staging',
    ].join('\n'))
    .action(async (opts: { env: string; dryRun?: boolean; smokeUrl?: string }) => {
      const target = parseTarget(opts.env, ['production', 'staging'])
      if (opts.smokeUrl !== undefined && !URL.canParse(opts.smokeUrl)) throw new CliError(`--smoke-url ${opts.smokeUrl} is not a URL.`, 'Pass an address like https://my-app.my-subdomain.workers.dev.', EXIT.usage)
      const root = findProjectRoot()
      requireCloudflareLogin('deploy')
      const smokeTimeoutMs = process.env.QUICKSCALE_SMOKE_TIMEOUT_MS ? Number(process.env.QUICKSCALE_SMOKE_TIMEOUT_MS) : undefined
      await deployProject(root, { target, dryRun: Boolean(opts.dryRun), smokeUrl: opts.smokeUrl, smokeTimeoutMs }, {
        wrangler: createWranglerRunner(root),
        fetch: globalThis.fetch,
        now: Date.now,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      })
    })
}
