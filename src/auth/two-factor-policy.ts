import { and, eq, isNotNull, sql, type SQL } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import type { Database } from '../platform/db'
import type { ViewerField } from '../platform/feature'
import { authSettings, totpCredentials } from './schema'

/**
 * "Require two-factor for admins" (issue 22): an auth_settings row an admin switches. While on, an admin
 * whose account has no two-factor codes is sent to turn them on before any admin page (requireAdmin).
 */
export const REQUIRE_ADMIN_2FA = 'require_admin_2fa'
// The viewer field (read in the session query, so admin pages keep their round-trip budget).
export const LACKS_REQUIRED_2FA_FIELD = 'authLacksRequiredTwoFactor'

export async function isAdminTwoFactorRequired(db: Database): Promise<boolean> {
  const [row] = await db.select({ enabled: authSettings.enabled }).from(authSettings).where(eq(authSettings.key, REQUIRE_ADMIN_2FA)).limit(1)
  return row?.enabled ?? false
}

export async function setAdminTwoFactorRequired(db: Database, enabled: boolean, adminId: string, now: Date): Promise<void> {
  await db.insert(authSettings).values({ key: REQUIRE_ADMIN_2FA, enabled, updatedAt: now, updatedBy: adminId })
    .onConflictDoUpdate({ target: authSettings.key, set: { enabled, updatedAt: now, updatedBy: adminId } })
}

/** The setting is on and this account has no two-factor codes turned on (the guard checks the role). */
const lacksRequiredSql = (userId: AnyPgColumn | SQL | string) =>
  sql<boolean>`(coalesce((select ${authSettings.enabled} from ${authSettings} where ${authSettings.key} = ${REQUIRE_ADMIN_2FA}), false)
    and not exists (select 1 from ${totpCredentials} where ${and(eq(totpCredentials.userId, userId as string), isNotNull(totpCredentials.enabledAt))}))`

export const lacksRequiredTwoFactorField: ViewerField = (userId) => lacksRequiredSql(userId)

/** The same question on its own, for a request whose registry does not carry auth's viewer field. */
export async function adminLacksRequiredTwoFactor(db: Database, userId: string): Promise<boolean> {
  const [row] = await db.select({ lacks: lacksRequiredSql(userId) }).from(sql`(select 1) as one`)
  return Boolean(row?.lacks)
}
