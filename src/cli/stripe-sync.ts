import type { Database } from '../platform/db'
import { CliError, EXIT } from './errors'

// What the CLI needs from billing's public entry (src/billing/index.ts); loaded at run time, because a
// project may not have billing at all.
interface BillingEntry {
  syncPlansToStripe: (db: Database, stripe: unknown) => Promise<Array<{ planId: string; productId: string; monthlyPriceId: string; yearlyPriceId: string; created: string[] }>>
  // Async since billing loads the Stripe SDK on first use; awaiting a plain value is harmless too.
  createStripeClient: (config: { secretKey: string; webhookSecret: string; apiBase?: string }) => unknown
}

function isBillingEntry(x: Record<string, unknown>): x is Record<string, unknown> & BillingEntry {
  return typeof x.syncPlansToStripe === 'function' && typeof x.createStripeClient === 'function'
}

/** Runs billing's sync with the project's keys and database; one line per plan. */
export async function syncWithBilling(billing: Record<string, unknown>, values: Record<string, string>, databaseUrl: string): Promise<string[]> {
  if (!isBillingEntry(billing)) {
    throw new CliError('src/billing/index.ts does not export syncPlansToStripe and createStripeClient.', 'Update the billing feature (docs/billing.md), or the CLI (src/cli/stripe-sync.ts) to match it.', EXIT.config)
  }
  const stripe = await billing.createStripeClient({
    secretKey: values.STRIPE_SECRET_KEY!,
    webhookSecret: values.STRIPE_WEBHOOK_SECRET ?? '',
    apiBase: values.STRIPE_API_BASE?.trim() || undefined,
  })
  // Loaded here, not at the top: the database client (drizzle, pg) costs ~0.9 s of module loading, which
  // every other command (deploy imports this file) would otherwise pay at start.
  const { withDatabase } = await import('./db')
  const synced = await withDatabase(databaseUrl, ({ db }) => billing.syncPlansToStripe(db, stripe))
  if (synced.length === 0) return ['no paid plans to sync']
  return synced.map((s) => `${s.planId}: product ${s.productId}, monthly ${s.monthlyPriceId}, yearly ${s.yearlyPriceId}${s.created.length ? ` (created ${s.created.join(', ')})` : ' (all found)'}`)
}
