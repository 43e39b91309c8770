import { bigint, boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

// WebAuthn credentials (issue 22, docs/auth.md). user_id without a foreign key, like every feature
// outside auth: the feature's account cleanup removes the rows when the account is deleted. `id` is the credential id (base64url) the authenticator
// returns; the public key is COSE, base64url. `counter` is the signature counter: one that does not grow
// (when it is not 0) means a cloned authenticator and the sign-in is refused.
export const passkeys = pgTable(
  'passkeys',
  {
    id: text().primaryKey(),
    userId: uuid().notNull(),
    name: text().notNull(),
    publicKey: text().notNull(),
    counter: bigint({ mode: 'number' }).notNull().default(0),
    transports: jsonb().$type<string[]>().notNull().default([]),
    deviceType: text().notNull().default('singleDevice'),
    backedUp: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('passkeys_user_id_idx').on(t.userId)],
)

// A WebAuthn challenge, single use and short-lived: consumed (deleted) by the response that answers it,
// so a replayed response finds nothing. Registration challenges belong to a user; sign-in ones to none.
export const webauthnChallenges = pgTable(
  'webauthn_challenges',
  {
    id: uuid().primaryKey().defaultRandom(),
    challenge: text().notNull(),
    userId: uuid(),
    purpose: text().$type<'register' | 'authenticate'>().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('webauthn_challenges_challenge_idx').on(t.challenge)],
)
