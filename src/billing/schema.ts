// No foreign keys to auth's users table: features reach each other only through their public entries
// (ADR 0006), and drizzle-kit loads schema files outside workerd. Billing's account cleanup deletes these
// rows inside the deletion transaction, after canceling the subscription at Stripe.
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

/**
 * The plan catalogue: the one source of truth for prices and quota limits. The home page teaser,
 * /pricing, checkout and quota enforcement (usage, through getAccountPlan) all read this table. Rows
 * are inserted by the migration that created it (production has plans without running the dev seed);
 * `syncPlansToStripe` fills in the Stripe ids.
 */
export const plans = pgTable('plans', {
  id: text().primaryKey(),
  name: text().notNull(),
  blurb: text().notNull(),
  /** Marketing bullet points for the pricing cards. */
  highlights: jsonb().$type<string[]>().notNull().default([]),
  sortOrder: integer().notNull().default(0),
  recommended: boolean().notNull().default(false),
  active: boolean().notNull().default(true),
  currency: text().notNull().default('usd'),
  /** Minor units (cents). 0 for Free. */
  monthlyPrice: integer().notNull(),
  yearlyPrice: integer().notNull(),
  storageBytes: bigint({ mode: 'number' }).notNull(),
  fileCount: integer().notNull(),
  uploadsPerMonth: integer().notNull(),
  apiRequestsPerMonth: integer().notNull(),
  /**
   * Per-period limits of the meters features declare (Feature.meters, ADR 0072), by metric: a whole
   * number, or -1 for no limit. A metric a plan does not list is not part of that plan (limit 0).
   * `quickscale generate feature --metered` writes the migration that sets them.
   */
  meterLimits: jsonb().$type<Record<string, number>>().notNull().default({}),
  stripeProductId: text(),
  stripeMonthlyPriceId: text(),
  stripeYearlyPriceId: text(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

/** One Stripe customer per user; the mapping is how a webhook finds its user (never the request). */
export const billingCustomers = pgTable(
  'billing_customers',
  {
    userId: uuid().primaryKey(),
    stripeCustomerId: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('billing_customers_stripe_customer_id_idx').on(t.stripeCustomerId)],
)

/** The user's Stripe subscriptions as Stripe last described them (re-fetched on every webhook). */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: text().primaryKey(),
    userId: uuid().notNull(),
    stripeCustomerId: text().notNull(),
    planId: text().notNull().references(() => plans.id),
    interval: text({ enum: ['month', 'year'] }).notNull(),
    stripeItemId: text().notNull(),
    stripePriceId: text().notNull(),
    status: text().notNull(),
    cancelAtPeriodEnd: boolean().notNull().default(false),
    currentPeriodStart: timestamp({ withTimezone: true }).notNull(),
    currentPeriodEnd: timestamp({ withTimezone: true }).notNull(),
    trialEnd: timestamp({ withTimezone: true }),
    canceledAt: timestamp({ withTimezone: true }),
    endedAt: timestamp({ withTimezone: true }),
    /** Set by invoice.payment_failed, cleared by invoice.paid: drives the banner on every page. */
    paymentFailed: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('subscriptions_user_id_idx').on(t.userId), index('subscriptions_status_idx').on(t.status)],
)

/** Billing history, kept in sync by invoice.* webhooks. Amounts in minor units. */
export const invoices = pgTable(
  'invoices',
  {
    id: text().primaryKey(),
    userId: uuid().notNull(),
    subscriptionId: text(),
    number: text(),
    status: text().notNull(),
    currency: text().notNull(),
    amountDue: integer().notNull(),
    amountPaid: integer().notNull(),
    hostedInvoiceUrl: text(),
    invoicePdf: text(),
    stripeCreatedAt: timestamp({ withTimezone: true }).notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('invoices_user_id_created_idx').on(t.userId, t.stripeCreatedAt)],
)

/**
 * Webhook events already applied. The id is inserted in the same transaction as the event's effects, so
 * a replay (Stripe retries, an attacker re-posting a captured body) finds it and changes nothing.
 */
export const stripeEvents = pgTable('stripe_events', {
  id: text().primaryKey(),
  type: text().notNull(),
  processedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

export type PlanRow = typeof plans.$inferSelect
export type SubscriptionRow = typeof subscriptions.$inferSelect
export type InvoiceRow = typeof invoices.$inferSelect
