import { bigint, date, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

// No foreign keys to users: auth's tables are its own (feature boundaries, ADR 0006). Rows go with the
// account through usageFeature.accountCleanups, a step of the deletion queue (ADR 0084).

/**
 * Usage as Postgres sees it, written by the UsageMeter Durable Object from its alarm (meter-flush.ts).
 * Every row holds an absolute value (never a delta), so writing the same batch twice changes nothing:
 * the flush is idempotent by construction. Counters (uploads, api_requests): events on that day.
 * Gauges (storage_bytes, file_count): the level at the end of that day (or now, for today).
 */
export const usageRecords = pgTable(
  'usage_records',
  {
    userId: uuid().notNull(),
    metric: text().notNull(),
    day: date({ mode: 'string' }).notNull(),
    amount: bigint({ mode: 'number' }).notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.metric, t.day] }), index('usage_records_day_idx').on(t.day)],
)

/** The meter's current figures per account and metric: what the usage page, the card and admin read. */
export const usageMeters = pgTable(
  'usage_meters',
  {
    userId: uuid().notNull(),
    metric: text().notNull(),
    used: bigint({ mode: 'number' }).notNull(),
    // null = no limit on the plan.
    limit: bigint({ mode: 'number' }),
    periodStart: timestamp({ withTimezone: true }).notNull(),
    periodEnd: timestamp({ withTimezone: true }).notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.metric] })],
)

/** Every manual change an admin makes to a meter (reset or adjust), with who and why. */
export const usageAdjustments = pgTable(
  'usage_adjustments',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid().notNull(),
    // The admin. No foreign key: the record outlives that admin's account.
    actorId: uuid(),
    metric: text().notNull(),
    kind: text({ enum: ['adjust', 'reset'] }).notNull(),
    before: bigint({ mode: 'number' }).notNull(),
    after: bigint({ mode: 'number' }).notNull(),
    reason: text().notNull().default(''),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    // When the meter was set to `after`. Null: recorded but the meter call failed; the next adjustment
    // of the same account and metric completes this row instead of writing another (issue 19, 12e).
    appliedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('usage_adjustments_user_id_idx').on(t.userId, t.createdAt)],
)

/**
 * API keys (bearer tokens for /api/v1). The key is `qs_<prefix>_<secret>`; only SHA-256(secret) is
 * stored, so a database dump cannot be replayed (same rule as sessions, checklist 7). The prefix is
 * public: it names the key in the list and finds its row.
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid().notNull(),
    name: text().notNull(),
    prefix: text().notNull(),
    secretHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex('api_keys_prefix_idx').on(t.prefix), index('api_keys_user_id_idx').on(t.userId)],
)

export type ApiKey = typeof apiKeys.$inferSelect
export type UsageAdjustment = typeof usageAdjustments.$inferSelect
