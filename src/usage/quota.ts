import { createDb, type Database } from '../platform/db'
import { sumItems, type QuotaItem, type QuotaResult } from './metrics'
import type { ConsumeResult, PlanForMeter } from './meter'
import { loadPlanForMeter } from './plan'

export function meterStub(env: Env, userId: string) {
  return env.USAGE_METER.get(env.USAGE_METER.idFromName(userId))
}

export interface QuotaOptions {
  /** The request's database handle; only used the first time an account's meter runs (to read its plan). */
  db?: Database
  /** The caller's clock (the request's, the queue batch's): the period and the day it counts in. */
  now: Date
}

/**
 * Checks and takes every item in one atomic step on the account's meter (all or nothing). A meter that
 * has never run asks for the plan once (and again once for a feature metric its stored limits predate);
 * after that no Postgres work happens on this path.
 */
export async function consumeQuota(env: Env, userId: string, items: QuotaItem[], opts: QuotaOptions): Promise<QuotaResult> {
  sumItems(items) // a malformed call fails here, before a round trip to the meter
  const now = opts.now
  return withPlan(env, userId, opts, now, (stub, planIsFresh) => stub.consume(items, now.getTime(), planIsFresh))
}

/** Gives items back (a deleted file frees its bytes and its slot). */
export async function releaseQuota(env: Env, userId: string, items: QuotaItem[], opts: QuotaOptions): Promise<QuotaResult> {
  sumItems(items)
  const now = opts.now
  return withPlan(env, userId, opts, now, (stub) => stub.release(items, now.getTime()))
}

/** The live figures, without consuming. */
export async function readQuota(env: Env, userId: string, opts: QuotaOptions): Promise<QuotaResult> {
  const now = opts.now
  return withPlan(env, userId, opts, now, (stub) => stub.read(now.getTime()))
}

/** Hands the plan's limits and period to the meter (plan change, first use). */
export async function configureMeter(env: Env, plan: PlanForMeter, now: Date): Promise<QuotaResult> {
  return meterStub(env, plan.userId).configure(plan, now.getTime())
}

async function withPlan(
  env: Env, userId: string, opts: QuotaOptions, now: Date,
  call: (stub: ReturnType<typeof meterStub>, planIsFresh: boolean) => Promise<ConsumeResult>,
): Promise<QuotaResult> {
  const stub = meterStub(env, userId)
  const first = await call(stub, false)
  if (!('needsPlan' in first)) return first
  const plan = opts.db ? await loadPlanForMeter(opts.db, userId, now) : await withOwnDb(env, (db) => loadPlanForMeter(db, userId, now))
  await stub.configure(plan, now.getTime())
  const second = await call(stub, true)
  if ('needsPlan' in second) throw new Error('Usage meter not configured after configure()')
  return second
}

async function withOwnDb<T>(env: Env, fn: (db: Database) => Promise<T>): Promise<T> {
  const handle = createDb(env)
  try {
    return await fn(handle.db)
  } finally {
    await handle.close()
  }
}
