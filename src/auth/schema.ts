import { sql } from 'drizzle-orm'
import { bigint, boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'

export type Role = 'user' | 'admin'

export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    // Stored lower-cased and trimmed (normaliseEmail) so the unique index is case-insensitive.
    email: text().notNull(),
    name: text().notNull(),
    // Self-describing PHC string: $argon2id$v=19$m=…,t=…,p=…$salt$hash (ADR 0020). Null for an account
    // made through a provider (GitHub, Google) that has not set a password: it signs in by its other
    // methods, and sets one through "Forgot your password?" (issue 22).
    passwordHash: text(),
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
    // How this session signed in (SignInMethod: password, passkey, github, google, impersonation) and the
    // second factor it passed (totp, recovery_code), shown in the sessions list (issue 22).
    signInMethod: text().notNull().default('password'),
    secondFactor: text(),
  },
  (t) => [index('sessions_user_id_idx').on(t.userId)],
)

// Two-factor codes (TOTP, RFC 6238) for an account (issue 22). The key is encrypted at rest; `lastUsedStep`
// is the last 30-second step accepted, so a code is good once (replay). Enrolment writes the row with
// enabledAt null until the first code is typed.
export const totpCredentials = pgTable('totp_credentials', {
  userId: uuid().primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  encryptedKey: text().notNull(),
  lastUsedStep: bigint({ mode: 'number' }),
  enabledAt: timestamp({ withTimezone: true }),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})

// Ten single-use recovery codes, shown once, stored as SHA-256 (they are random, not passwords).
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text().notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('recovery_codes_user_id_idx').on(t.userId), uniqueIndex('recovery_codes_code_hash_idx').on(t.codeHash)],
)

// A sign-in that passed its first factor and waits for the second (issue 22): the browser holds the
// token in a short-lived cookie; only its hash is stored. Single use, a few minutes, attempts counted.
export const pendingSignIns = pgTable(
  'pending_sign_ins',
  {
    id: uuid().primaryKey().defaultRandom(),
    tokenHash: text().notNull(),
    userId: uuid().notNull().references(() => users.id, { onDelete: 'cascade' }),
    signInMethod: text().notNull(),
    next: text().notNull().default('/dashboard'),
    attempts: integer().notNull().default(0),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('pending_sign_ins_token_hash_idx').on(t.tokenHash), index('pending_sign_ins_user_id_idx').on(t.userId)],
)

// Account policies an admin sets (issue 22: "require two-factor for admins"), one row per key.
export const authSettings = pgTable('auth_settings', {
  key: text().primaryKey(),
  enabled: boolean().notNull().default(false),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
})

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
