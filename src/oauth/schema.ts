import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

// An account at a provider (GitHub, Google) linked to one of ours (issue 22, docs/auth.md). user_id without
// a foreign key, like every feature outside auth: the feature's account cleanup removes the rows. A provider
// account links to one user; a user links at most one account per provider.
export const oauthAccounts = pgTable(
  'oauth_accounts',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid().notNull(),
    provider: text().notNull(),
    providerUserId: text().notNull(),
    // The address the provider gave when linked, and whether it said the address is verified.
    email: text().notNull().default(''),
    emailVerified: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex('oauth_accounts_provider_user_idx').on(t.provider, t.providerUserId),
    uniqueIndex('oauth_accounts_user_provider_idx').on(t.userId, t.provider),
  ],
)

// A provider sign-in whose email matches an existing account that is not signed in: linking waits for the
// account's owner to confirm through a link mailed to that address (never auto-linked). Only the hash of
// the link's token is stored; single use, short-lived.
export const oauthLinkRequests = pgTable(
  'oauth_link_requests',
  {
    id: uuid().primaryKey().defaultRandom(),
    tokenHash: text().notNull(),
    userId: uuid().notNull(),
    provider: text().notNull(),
    providerUserId: text().notNull(),
    email: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('oauth_link_requests_token_hash_idx').on(t.tokenHash), index('oauth_link_requests_user_id_idx').on(t.userId)],
)
