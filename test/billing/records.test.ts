import { eq } from 'drizzle-orm'
import type Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { customerIdOf, planForPrice, subscriptionIdOfInvoice, upsertInvoice, upsertSubscription, UnknownPriceError } from '../../src/billing/records'
import { invoices, plans, subscriptions, type PlanRow } from '../../src/billing/schema'
import { withDb } from '../helpers/db'

// Stripe's objects as our rows (src/billing/records.ts), fed the shapes Stripe sends, old API versions
// included; webhook.test.ts covers the events that call these.

const NOW = new Date('2026-12-04T12:00:00Z')
const price = (fields: Partial<Stripe.Price>) => ({ id: 'price_x', lookup_key: null, metadata: {}, recurring: { interval: 'month' }, ...fields }) as Stripe.Price

describe('mapping Stripe objects', () => {
  const catalogue = [
    { id: 'pro', stripeMonthlyPriceId: 'price_pro_m', stripeYearlyPriceId: 'price_pro_y' },
    { id: 'business', stripeMonthlyPriceId: null, stripeYearlyPriceId: null },
  ] as PlanRow[]

  it('finds a price\'s plan by stored id, then by our lookup key, then by metadata; else none', () => {
    expect(planForPrice(catalogue, price({ id: 'price_pro_y', recurring: { interval: 'month' } as Stripe.Price.Recurring }))).toMatchObject({ plan: { id: 'pro' }, interval: 'year' })
    expect(planForPrice(catalogue, price({ id: 'price_pro_m' }))).toMatchObject({ plan: { id: 'pro' }, interval: 'month' })
    expect(planForPrice(catalogue, price({ id: 'price_new', lookup_key: 'quickscale_business_year', recurring: { interval: 'year' } as Stripe.Price.Recurring }))).toMatchObject({ plan: { id: 'business' }, interval: 'year' })
    expect(planForPrice(catalogue, price({ id: 'price_meta', metadata: { plan_id: 'business' }, recurring: null }))).toMatchObject({ plan: { id: 'business' }, interval: 'month' })
    expect(planForPrice(catalogue, price({ id: 'price_other', lookup_key: 'someone_elses_key' }))).toBeNull()
  })

  it('reads ids whether Stripe sent the id or the expanded object, and an invoice\'s subscription in either API shape', () => {
    expect(customerIdOf('cus_1')).toBe('cus_1')
    expect(customerIdOf({ id: 'cus_2' })).toBe('cus_2')
    expect(customerIdOf(null)).toBeNull()
    expect(subscriptionIdOfInvoice({ parent: { subscription_details: { subscription: 'sub_new' } } } as unknown as Stripe.Invoice)).toBe('sub_new')
    expect(subscriptionIdOfInvoice({ parent: null, subscription: { id: 'sub_legacy' } } as unknown as Stripe.Invoice)).toBe('sub_legacy')
    expect(subscriptionIdOfInvoice({ parent: null } as unknown as Stripe.Invoice)).toBeNull()
  })
})

describe('writing rows', () => {
  const subscription = (id: string, fields: Record<string, unknown>, item: Record<string, unknown> = {}) => ({
    id, customer: { id: 'cus_records' }, status: 'active', cancel_at_period_end: false, cancel_at: null, trial_end: null, canceled_at: null, ended_at: null,
    items: { data: [{ id: `si_${id}`, price: price({ id: 'price_records', lookup_key: 'quickscale_pro_month' }), ...item }] },
    ...fields,
  }) as unknown as Stripe.Subscription

  it('takes the period from the subscription on older API versions, and a scheduled cancel as cancelling', async () => {
    await withDb(async (db) => {
      const userId = crypto.randomUUID()
      const id = `sub_${crypto.randomUUID()}`
      await upsertSubscription(db, userId, subscription(id, { current_period_start: 1_780_000_000, current_period_end: 1_782_592_000, cancel_at: 1_782_592_000 }), NOW)
      const [row] = await db.select().from(subscriptions).where(eq(subscriptions.id, id))
      expect(row).toMatchObject({ userId, planId: 'pro', interval: 'month', stripeCustomerId: 'cus_records', cancelAtPeriodEnd: true })
      expect(row!.currentPeriodStart.toISOString()).toBe(new Date(1_780_000_000 * 1000).toISOString())
      expect(row!.currentPeriodEnd.toISOString()).toBe(new Date(1_782_592_000 * 1000).toISOString())
      // No period anywhere: "now" stands in; a canceled subscription with cancel_at is no longer "cancelling".
      await upsertSubscription(db, userId, subscription(id, { status: 'canceled', cancel_at: 1_782_592_000, canceled_at: 1_781_000_000 }), NOW)
      const [after] = await db.select().from(subscriptions).where(eq(subscriptions.id, id))
      expect(after).toMatchObject({ status: 'canceled', cancelAtPeriodEnd: false, currentPeriodStart: NOW, currentPeriodEnd: NOW })
    })
  })

  it('never moves a subscription to another account, and refuses one without items or of an unknown price', async () => {
    await withDb(async (db) => {
      const owner = crypto.randomUUID()
      const id = `sub_${crypto.randomUUID()}`
      await upsertSubscription(db, owner, subscription(id, {}), NOW)
      await upsertSubscription(db, crypto.randomUUID(), subscription(id, { status: 'past_due' }), NOW)
      expect(await db.select({ userId: subscriptions.userId, status: subscriptions.status }).from(subscriptions).where(eq(subscriptions.id, id))).toEqual([{ userId: owner, status: 'active' }])
      await expect(upsertSubscription(db, owner, subscription(id, { items: { data: [] } }), NOW)).rejects.toThrow(`Subscription ${id} has no items.`)
      const unknown = subscription(id, {}, { price: price({ id: 'price_unknown' }) })
      await expect(upsertSubscription(db, owner, unknown, NOW)).rejects.toThrow(UnknownPriceError)
      expect((await db.select({ id: plans.id }).from(plans)).map((p) => p.id)).toContain('pro')
    })
  })

  it('an invoice\'s status never moves backwards; a missing status is a draft, missing links are null', async () => {
    await withDb(async (db) => {
      const userId = crypto.randomUUID()
      const id = `in_${crypto.randomUUID()}`
      const invoice = (fields: Record<string, unknown>) => ({ id, parent: null, number: 'A-1', currency: 'usd', amount_due: 1900, amount_paid: 0, created: 1_780_000_000, ...fields }) as unknown as Stripe.Invoice
      const status = async () => (await db.select({ status: invoices.status, pdf: invoices.invoicePdf, url: invoices.hostedInvoiceUrl }).from(invoices).where(eq(invoices.id, id)))[0]
      await upsertInvoice(db, userId, invoice({ status: null }), NOW)
      expect(await status()).toEqual({ status: 'draft', pdf: null, url: null })
      await upsertInvoice(db, userId, invoice({ status: 'paid', amount_paid: 1900, invoice_pdf: 'https://pay.stripe.test/in.pdf', hosted_invoice_url: 'https://pay.stripe.test/in' }), NOW)
      // A late invoice.finalized (open) after invoice.paid leaves it paid.
      await upsertInvoice(db, userId, invoice({ status: 'open' }), NOW)
      expect(await status()).toEqual({ status: 'paid', pdf: 'https://pay.stripe.test/in.pdf', url: 'https://pay.stripe.test/in' })
      await upsertInvoice(db, userId, invoice({ status: 'void' }), NOW)
      expect((await status())!.status).toBe('void')
    })
  })
})
