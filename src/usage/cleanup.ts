import { eq } from 'drizzle-orm'
import type { AccountCleanup } from '../platform/feature'
import { meterStub } from './quota'
import { apiKeys, usageAdjustments, usageMeters, usageRecords } from './schema'

/**
 * Account deletion: the keys stop working with the transaction, the usage rows go with it. The meter
 * object is wiped last; if the deletion then rolls back, the account merely starts its counters again
 * (the meter re-reads its plan on the next call) — never the other way round, usage kept for a deleted
 * account.
 */
export const deleteUsageData: AccountCleanup = async (tx, user, env) => {
  await tx.delete(apiKeys).where(eq(apiKeys.userId, user.id))
  await tx.delete(usageRecords).where(eq(usageRecords.userId, user.id))
  await tx.delete(usageMeters).where(eq(usageMeters.userId, user.id))
  await tx.delete(usageAdjustments).where(eq(usageAdjustments.userId, user.id))
  await meterStub(env, user.id).wipe()
}
