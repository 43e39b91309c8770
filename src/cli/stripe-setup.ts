import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { CliError, EXIT } from './errors'
import { syncWithBilling } from './stripe-sync'

// `quickscale stripe setup` (docs/cli.md): the webhook endpoint, the customer portal and the plans of one
// Stripe mode, made to match the app. Each part is idempotent and reports created / updated / unchanged.
// Everything it needs comes from the billing feature itself, so there is one definition of each: the
// events the webhook handles (HANDLED_EVENTS), the portal the kit expects (ensurePortalConfiguration),
// the client and its API version (createStripeClient, whose SDK pins the version), the plan sync.

/** The slice of the Stripe SDK this file calls (structural: billing, and with it `stripe`, is optional). */
interface WebhookEndpoint { id: string; url: string; api_version: string | null; enabled_events: string[]; status: string; secret?: string }
interface StripeForSetup {
  getApiField?: (key: 'version') => string | undefined
  webhookEndpoints: {
    list: (params: { limit: number }) => AsyncIterable<WebhookEndpoint>
    create: (params: { url: string; enabled_events: string[]; api_version: string; description: string }) => Promise<WebhookEndpoint>
    update: (id: string, params: { enabled_events: string[]; disabled: boolean }) => Promise<WebhookEndpoint>
  }
  billingPortal: { configurations: { list: (params: { is_default: boolean; active: boolean; limit: number }) => Promise<{ data: Array<{ id: string }> }> } }
}

interface BillingForSetup {
  entry: Record<string, unknown>
  handledEvents: ReadonlySet<string>
  ensurePortalConfiguration: (stripe: unknown, returnUrl: string) => Promise<{ id: string; created: boolean; isDefault: boolean }>
  createStripeClient: (config: { secretKey: string; webhookSecret: string; apiBase?: string }) => unknown
}

export interface StripeSetupContext {
  stripe: StripeForSetup
  billing: BillingForSetup
  /** The API version the app's client sends, which every endpoint must render events in. */
  apiVersion: string
  appUrl: string
  values: Record<string, string>
  databaseUrl: string
  target: SetupTarget
}

export type SetupTarget = 'development' | 'staging' | 'production'

export const webhookUrlOf = (appUrl: string) => (URL.canParse(appUrl) ? new URL('/billing/webhook', appUrl).href : `${appUrl}/billing/webhook`)

const importTs = async (root: string, ...parts: string[]) => (await import(pathToFileURL(path.join(root, 'src', ...parts)).href)) as Record<string, unknown>

/**
 * Billing's public entry (the handled events, the default portal and the client, each defined once), loaded
 * by path because billing is an optional feature.
 */
export async function loadBillingForSetup(root: string): Promise<BillingForSetup> {
  const entry = await importTs(root, 'billing', 'index.ts')
  const handledEvents = entry.HANDLED_EVENTS
  const ensurePortal = entry.ensurePortalConfiguration
  if (!(handledEvents instanceof Set) || typeof ensurePortal !== 'function' || typeof entry.createStripeClient !== 'function') {
    throw new CliError('The billing feature\'s entry does not export HANDLED_EVENTS, ensurePortalConfiguration and createStripeClient.', 'Update the billing feature (docs/billing.md), or the CLI (src/cli/stripe-setup.ts) to match it.', EXIT.config)
  }
  return { entry, handledEvents: handledEvents as ReadonlySet<string>, ensurePortalConfiguration: ensurePortal as BillingForSetup['ensurePortalConfiguration'], createStripeClient: entry.createStripeClient as BillingForSetup['createStripeClient'] }
}

export async function createSetupContext(root: string, target: SetupTarget, values: Record<string, string>, appUrl: string, databaseUrl: string): Promise<StripeSetupContext> {
  if (!URL.canParse(appUrl)) throw new CliError(`APP_URL (${appUrl || 'not set'}) is not a URL, so there is no webhook address.`, 'Set APP_URL in wrangler.toml [vars] to the https:// address the site answers at (docs/deploy.md).', EXIT.config)
  const billing = await loadBillingForSetup(root)
  const stripe = (await billing.createStripeClient({ secretKey: values.STRIPE_SECRET_KEY!, webhookSecret: values.STRIPE_WEBHOOK_SECRET ?? '', apiBase: values.STRIPE_API_BASE?.trim() || undefined })) as StripeForSetup
  // The version the client sends: the SDK's pinned one, unless billing's client config sets another.
  const apiVersion = stripe.getApiField?.('version') ?? ((await import('stripe')) as { default: { API_VERSION: string } }).default.API_VERSION
  return { stripe, billing, apiVersion, appUrl, values, databaseUrl, target }
}

export interface EndpointResult {
  lines: string[]
  /** The signing secret, when this run created the endpoint (Stripe shows it only then). */
  secret?: string
}

/**
 * The endpoint at <APP_URL>/billing/webhook: created with the pinned API version and exactly the handled
 * events; updated when its events differ or it is disabled. Stripe cannot change an endpoint's API version,
 * so one in another version is reported with the fix (or, with `replace`, a new endpoint is made beside it).
 */
export async function ensureWebhookEndpoint(ctx: StripeSetupContext, options: { replace?: boolean } = {}): Promise<EndpointResult> {
  const url = webhookUrlOf(ctx.appUrl)
  const events = [...ctx.billing.handledEvents].sort()
  const atUrl: WebhookEndpoint[] = []
  for await (const endpoint of ctx.stripe.webhookEndpoints.list({ limit: 100 })) if (endpoint.url === url) atUrl.push(endpoint)
  const pinned = atUrl.find((e) => e.api_version === ctx.apiVersion)
  const others = atUrl.filter((e) => e.api_version !== ctx.apiVersion)
  const versionOf = (e: WebhookEndpoint) => e.api_version ?? "the account's default version (not pinned)"
  if (!pinned && others.length > 0 && !options.replace) {
    const old = others[0]!
    throw new CliError(
      `The webhook endpoint ${old.id} at ${url} renders events in ${versionOf(old)}, but the app's Stripe SDK uses ${ctx.apiVersion}; Stripe cannot change an endpoint's API version, and events in another version change shape under the app.`,
      [
        `Make a new endpoint at the same URL in ${ctx.apiVersion} and move the secret to it:`,
        `    npx quickscale stripe setup --env ${ctx.target} --replace-endpoint`,
        `  (or Dashboard → Developers → Webhooks → Add endpoint, API version ${ctx.apiVersion}, the events in docs/billing.md);`,
        '  put the new signing secret with `npx wrangler secret put STRIPE_WEBHOOK_SECRET`, then delete ' + `${old.id} (Dashboard → Developers → Webhooks).`,
      ].join('\n'),
      EXIT.failed,
    )
  }
  const lines: string[] = []
  for (const old of pinned ? others : []) {
    lines.push(`! webhook endpoint ${old.id} (${versionOf(old)}) also sends to ${url}: delete it once STRIPE_WEBHOOK_SECRET holds the secret of ${pinned!.id} (the app answers its deliveries 400).`)
  }
  if (!pinned) {
    const created = await ctx.stripe.webhookEndpoints.create({ url, enabled_events: events, api_version: ctx.apiVersion, description: 'QuickScale Edge billing (quickscale stripe setup)' })
    lines.unshift(`webhook endpoint ${url}: created (${created.id}, API version ${ctx.apiVersion}, ${events.length} events)`)
    if (others.length > 0) lines.push(`! delete ${others.map((o) => o.id).join(', ')} (${versionOf(others[0]!)}) once STRIPE_WEBHOOK_SECRET holds the new secret (Dashboard → Developers → Webhooks).`)
    return { lines, secret: created.secret }
  }
  const missing = events.filter((e) => !pinned.enabled_events.includes(e))
  const extra = pinned.enabled_events.filter((e) => !ctx.billing.handledEvents.has(e))
  const disabled = pinned.status !== 'enabled'
  if (missing.length === 0 && extra.length === 0 && !disabled) {
    lines.unshift(`webhook endpoint ${url}: unchanged (${pinned.id}, API version ${ctx.apiVersion}, ${events.length} events)`)
    return { lines }
  }
  await ctx.stripe.webhookEndpoints.update(pinned.id, { enabled_events: events, disabled: false })
  const changes = [missing.length && `added ${missing.join(', ')}`, extra.length && `removed ${extra.join(', ')}`, disabled && 'enabled again'].filter(Boolean)
  lines.unshift(`webhook endpoint ${url}: updated (${pinned.id}: ${changes.join('; ')})`)
  return { lines }
}

/**
 * Portal sessions need a configuration (test mode too): a default saved in Stripe's Dashboard is used as it
 * is; else the kit's own (tagged by metadata; API-made configurations are never the default), made once.
 */
export async function ensurePortalConfiguration(ctx: StripeSetupContext): Promise<string> {
  const { id, created, isDefault } = await ctx.billing.ensurePortalConfiguration(ctx.stripe, new URL('/billing', ctx.appUrl).href)
  if (!created) return `customer portal: unchanged (${isDefault ? 'default configuration' : "the kit's configuration"} ${id})`
  return `customer portal: created (${id}: invoices, payment methods, billing details, cancel at period end)`
}

/** billing's syncPlansToStripe, as `stripe sync` runs it. */
export async function syncSetupPlans(ctx: StripeSetupContext): Promise<string[]> {
  return (await syncWithBilling(ctx.billing.entry, ctx.values, ctx.databaseUrl)).map((line) => `plans: ${line.replace('(all found)', '(unchanged)')}`)
}

/** How to store a secret Stripe showed once, for where the app runs. */
export function formatSecretLines(secret: string, target: SetupTarget): string[] {
  if (target === 'development') return [`  signing secret (shown only now): ${secret}`, `  put it in .dev.vars: STRIPE_WEBHOOK_SECRET=${secret}`]
  return [
    `  signing secret (shown only now): ${secret}`,
    '  put it on the web Worker (wrangler asks for the value):',
    '    npx wrangler secret put STRIPE_WEBHOOK_SECRET',
    `  or in CI: printf %s '${secret}' | npx wrangler secret put STRIPE_WEBHOOK_SECRET`,
  ]
}

/** A Stripe or network failure as the CLI reports it (exit 5); our own CliErrors pass through. */
export function asStripeFailure(err: unknown, what: string, rerun: string): unknown {
  if (err instanceof CliError) return err
  const message = (err as { message?: string })?.message ?? String(err)
  return new CliError(`${what} failed: ${message}.`, `Check the network and that STRIPE_SECRET_KEY is valid, then run \`${rerun}\` again (it is safe to repeat).`, EXIT.service, { cause: err })
}

/**
 * The whole setup, in order: endpoint, portal, plans. An endpoint in another API version does not stop the
 * other two (they do not depend on it); it is thrown at the end, with its fix.
 */
export async function runStripeSetup(ctx: StripeSetupContext, options: { replace?: boolean }, print: (line: string) => void): Promise<void> {
  const rerun = `npx quickscale stripe setup --env ${ctx.target}`
  let problem: unknown
  try {
    const endpoint = await ensureWebhookEndpoint(ctx, options)
    for (const line of endpoint.lines) print(line.startsWith('!') ? line : `✔ ${line}`)
    if (endpoint.secret) for (const line of formatSecretLines(endpoint.secret, ctx.target)) print(line)
  } catch (err) {
    if (!(err instanceof CliError)) throw asStripeFailure(err, 'Stripe setup (webhook endpoint)', rerun)
    problem = err
  }
  try {
    print(`✔ ${await ensurePortalConfiguration(ctx)}`)
    for (const line of await syncSetupPlans(ctx)) print(`✔ ${line}`)
  } catch (err) {
    throw asStripeFailure(err, 'Stripe setup', rerun)
  }
  if (problem) throw problem
}
