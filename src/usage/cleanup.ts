import { eq } from 'drizzle-orm'
import type { AccountCleanup } from '../platform/feature'
import { meterStub } from './quota'
import { apiKeys, usageAdjustments, usageMeters, usageRecords } from './schema'

/**
 * Account deletion's usage step (ADR 0084), run from the deletion queue and idempotent. The keys were
 * already revoked when deletion was asked for (auth.credentials_ended); here the meter object is wiped
 * first — it waits for a flush already writing, and its alarm goes with it, so no flush can write rows
 * for the account after they are deleted —
 * then the keys and usage rows. Wiping an empty meter and deleting absent rows change nothing.
 */
export const deleteUsageData: AccountCleanup = async (db, user, env) => {
  await meterStub(env, user.id).wipe()
  await db.delete(apiKeys).where(eq(apiKeys.userId, user.id))
  await db.delete(usageRecords).where(eq(usageRecords.userId, user.id))
  await db.delete(usageMeters).where(eq(usageMeters.userId, user.id))
  await db.delete(usageAdjustments).where(eq(usageAdjustments.userId, user.id))
}
