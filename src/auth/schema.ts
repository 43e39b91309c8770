import { sql } from 'drizzle-orm'
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

export type Role = 'user' | 'admin'

export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    // Stored lower-cased and trimmed (normaliseEmail) so the unique index is case-insensitive.
    email: text().notNull(),
    name: text().notNull(),
    // Self-describing PHC string: $argon2id$v=19$m=…,t=…,p=…$salt$hash (ADR 0020).
    passwordHash: text().notNull(),
    role: text().$type<Role>().notNull().default('user'),
    emailVerifiedAt: timestamp({ withTimezone: true }),
    // Set by an admin (src/auth/account-admin.ts): every session ends and login is refused until cleared.
    deactivatedAt: timestamp({ withTimezone: true }),
    // Account deletion is a saga (src/auth/account-deletion.ts, ADR 0084): set when deletion is asked for
    // (sessions and keys end in the same transaction, sign-in is refused from then on); the queue's steps
    // run after commit and the row goes last. `deletionFailedAt`/`deletionError` are set when the
    // dead-letter queue gives up; the admin retries from the user page.
    deletionRequestedAt: timestamp({ withTimezone: true }),
    deletionFailedAt: timestamp({ withTimezone: true }),
    deletionError: text(),
    // Rotated whenever the account's credentials change (password change or reset, email change). Proofs
    // issued earlier (an email-change link) carry the stamp of their time and die with it (issue 9, ADR 0025).
    securityStamp: uuid().notNull().defaultRandom(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_idx').on(t.email), index('users_created_at_idx').on(t.createdAt), index('users_deletion_requested_at_idx').on(t.deletionRequestedAt).where(sql`${t.deletionRequestedAt} is not null`)],
)

// Lucia's current design (ADR 0021): the cookie carries `<id>.<secret>`; only SHA-256(secret) is stored,
// so a database dump cannot be replayed (checklist 7).
export const sessions = pgTable(
  'sessions',
  {
    id: text().primaryKey(),
    secretHash: text().notNull(),
    userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    // Sliding (idle) expiry; never later than createdAt + the absolute cap.
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    userAgent: text().notNull().default(''),
    ipAddress: text().notNull().default(''),
    // Set on an impersonation session (src/auth/impersonation.ts): the admin acting as userId. Such a
    // session has a short absolute cap and is attributed to both people in the audit log.
    impersonatorId: uuid().references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [index('sessions_user_id_idx').on(t.userId)],
)

// One pending verification per user, bound to the address it was sent to (checklist 19). Used for
// sign-up verification and for changing the email address.
export const emailVerifications = pgTable(
  'email_verifications',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
    email: text().notNull(),
    codeHash: text().notNull(),
    tokenHash: text().notNull(),
    // users.security_stamp when this was requested; confirming needs it to still match. Rows from before
    // the column existed get a random one, i.e. they are void (safe default).
    securityStamp: uuid().notNull().defaultRandom(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('email_verifications_user_id_idx').on(t.userId), uniqueIndex('email_verifications_token_hash_idx').on(t.tokenHash)],
)

export const passwordResetTokens = pgTable(
  'password_reset_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('password_reset_tokens_token_hash_idx').on(t.tokenHash), index('password_reset_tokens_user_id_idx').on(t.userId)],
)

export type User = typeof users.$inferSelect
export type SessionRow = typeof sessions.$inferSelect
