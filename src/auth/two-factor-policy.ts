import { and, eq, isNotNull, sql } from 'drizzle-orm'
import type { Database } from '../platform/db'
import { authSettings, totpCredentials } from './schema'

/**
 * "Require two-factor for admins" (issue 22): an auth_settings row an admin switches. While on, an admin
 * whose account has no two-factor codes is sent to turn them on before any admin page (requireAdmin).
 */
export const REQUIRE_ADMIN_2FA = 'require_admin_2fa'

export async function isAdminTwoFactorRequired(db: Database): Promise<boolean> {
  const [row] = await db.select({ enabled: authSettings.enabled }).from(authSettings).where(eq(authSettings.key, REQUIRE_ADMIN_2FA)).limit(1)
  return row?.enabled ?? false
}

export async function setAdminTwoFactorRequired(db: Database, enabled: boolean, adminId: string, now: Date): Promise<void> {
  await db.insert(authSettings).values({ key: REQUIRE_ADMIN_2FA, enabled, updatedAt: now, updatedBy: adminId })
    .onConflictDoUpdate({ target: authSettings.key, set: { enabled, updatedAt: now, updatedBy: adminId } })
}

/** One round trip for the guard: the setting is on and this account has no two-factor codes turned on. */
export async function adminLacksRequiredTwoFactor(db: Database, userId: string): Promise<boolean> {
  const [row] = await db.select({
    required: sql<boolean>`coalesce((select ${authSettings.enabled} from ${authSettings} where ${authSettings.key} = ${REQUIRE_ADMIN_2FA}), false)`,
    enrolled: sql<boolean>`exists (select 1 from ${totpCredentials} where ${and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.enabledAt))})`,
  }).from(sql`(select 1) as one`)
  return Boolean(row?.required) && !row?.enrolled
}
