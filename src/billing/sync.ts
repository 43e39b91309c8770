import { eq } from 'drizzle-orm'
import type Stripe from 'stripe'
import type { Database } from '../platform/db'
import { listPlans } from './plans'
import { plans, type PlanRow } from './schema'

export type Interval = 'month' | 'year'

/** Stable names in Stripe: product `prod_quickscale_<plan>`, prices found by lookup key `quickscale_<plan>_<interval>`. */
export const productIdFor = (planId: string) => `prod_quickscale_${planId}`
export const lookupKeyFor = (planId: string, interval: Interval) => `quickscale_${planId}_${interval}`

export interface SyncedPlan { planId: string; productId: string; monthlyPriceId: string; yearlyPriceId: string; created: string[] }

/**
 * Creates or finds the Stripe product and the monthly and yearly prices of every paid plan, and stores their
 * ids in `plans`. Idempotent: products have fixed ids and prices are found by lookup key; a price whose
 * amount no longer matches the plan is replaced by a new one that takes over the lookup key (Stripe prices
 * are immutable; existing subscribers keep the old price until they change plan). The CLI wraps this.
 */
export async function syncPlansToStripe(db: Database, stripe: Stripe): Promise<SyncedPlan[]> {
  const paid = (await listPlans(db)).filter((p) => p.monthlyPrice > 0 || p.yearlyPrice > 0)
  const keys = paid.flatMap((p) => [lookupKeyFor(p.id, 'month'), lookupKeyFor(p.id, 'year')])
  const existing = await listPricesByLookupKeys(stripe, keys)
  const out: SyncedPlan[] = []
  for (const plan of paid) {
    const created: string[] = []
    const productId = await ensureProduct(stripe, plan, created)
    const priceIds: Record<Interval, string> = { month: '', year: '' }
    for (const interval of ['month', 'year'] as const) {
      const amount = interval === 'month' ? plan.monthlyPrice : plan.yearlyPrice
      const key = lookupKeyFor(plan.id, interval)
      const found = existing.find((p) => p.lookup_key === key && p.unit_amount === amount && p.currency === plan.currency && p.recurring?.interval === interval)
      if (found) {
        priceIds[interval] = found.id
        continue
      }
      const price = await stripe.prices.create({
        product: productId, currency: plan.currency, unit_amount: amount, recurring: { interval }, lookup_key: key, transfer_lookup_key: true,
        metadata: { plan_id: plan.id },
      }, { idempotencyKey: `price-${key}-${plan.currency}-${amount}` })
      priceIds[interval] = price.id
      created.push(price.id)
    }
    await db.update(plans)
      .set({ stripeProductId: productId, stripeMonthlyPriceId: priceIds.month, stripeYearlyPriceId: priceIds.year, updatedAt: new Date() })
      .where(eq(plans.id, plan.id))
    out.push({ planId: plan.id, productId, monthlyPriceId: priceIds.month, yearlyPriceId: priceIds.year, created })
  }
  return out
}

// Stripe's prices.list takes at most ten lookup_keys (https://docs.stripe.com/api/prices/list): a catalogue
// of more than five paid plans is read in chunks.
const LOOKUP_KEYS_PER_LIST = 10

export async function listPricesByLookupKeys(stripe: Stripe, keys: string[]): Promise<Stripe.Price[]> {
  const chunks: string[][] = []
  for (let i = 0; i < keys.length; i += LOOKUP_KEYS_PER_LIST) chunks.push(keys.slice(i, i + LOOKUP_KEYS_PER_LIST))
  const pages = await Promise.all(chunks.map((chunk) => stripe.prices.list({ lookup_keys: chunk, active: true, limit: 100 })))
  return pages.flatMap((page) => page.data)
}

async function ensureProduct(stripe: Stripe, plan: PlanRow, created: string[]): Promise<string> {
  const id = productIdFor(plan.id)
  try {
    return (await stripe.products.retrieve(id)).id
  } catch (err) {
    if ((err as { code?: string }).code !== 'resource_missing') throw err
  }
  const product = await stripe.products.create({ id, name: plan.name, description: plan.blurb, metadata: { plan_id: plan.id } }, { idempotencyKey: `product-${id}` })
  created.push(product.id)
  return product.id
}

/** The Stripe price for a plan and interval, syncing the catalogue first when its ids are not stored yet. */
export async function resolvePriceId(db: Database, stripe: Stripe, plan: PlanRow, interval: Interval): Promise<string> {
  const stored = interval === 'month' ? plan.stripeMonthlyPriceId : plan.stripeYearlyPriceId
  if (stored) return stored
  const synced = (await syncPlansToStripe(db, stripe)).find((s) => s.planId === plan.id)
  if (!synced) throw new Error(`Plan "${plan.id}" has no price to sell.`)
  return interval === 'month' ? synced.monthlyPriceId : synced.yearlyPriceId
}
