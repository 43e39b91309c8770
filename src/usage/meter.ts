import { DurableObject } from 'cloudflare:workers'
import { createLogger } from '../platform/logger'
import { GAUGES, METRICS, isFeatureMetric, isMeterName, enforcedLimit, limitOf, sumItems, type MeterName, type MetricUsage, type QuotaItem, type QuotaLimits, type QuotaResult } from './metrics'
import { advancePeriod, utcDay, type Period } from './period'
import { writeMeterSnapshot, sendQuotaWarnings, type DailyRow, type PendingWarning } from './meter-flush'
import { createMeterTables, hitWindow, readFlushedVersion, readUsed, readVersion, resetCounters, takeNextVersion, writeUsed } from './meter-store'

/**
 * One object per account (ADR 0040): the live meters of the current period. Every decision is a
 * synchronous read-modify-write on the object's own SQLite with no `await` in between (the same rule as
 * AuthThrottle), so concurrent requests are serialised by the object itself and cannot overshoot a limit.
 * Postgres only hears about usage later, from the alarm (`flush`), in batches.
 */
interface MeterConfig {
  userId: string
  limits: QuotaLimits
  periodStart: number
  periodEnd: number
}

export type ConsumeResult = QuotaResult | { needsPlan: true }

export interface PlanForMeter {
  userId: string
  limits: QuotaLimits
  periodStart: number
  periodEnd: number
}

/** How long usage may sit in the object before the alarm writes it to Postgres. */
export const FLUSH_DELAY_MS = 5_000
const RETRY_DELAY_MS = 30_000
const WARN_SHARE = 0.8
const KEEP_DAYS = 40

export class UsageMeter extends DurableObject<Env> {
  private flushing: Promise<void> | null = null
  private alarmSet = false

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    createMeterTables(this.ctx.storage.sql)
  }

  // ---- decisions (synchronous: no await between read and write) ----

  /**
   * Checks and takes every item, or none (an upload takes bytes, a file and an upload at once).
   * `planIsFresh`: the caller has just handed over the plan. Until then, a feature metric the stored
   * limits do not mention asks for the plan (the metric may be newer than the stored limits); after, the
   * plan does not list it, so its limit is 0.
   */
  consume(items: QuotaItem[], now: number, planIsFresh: boolean): ConsumeResult {
    const amounts = sumItems(items)
    const config = this.config()
    if (config === undefined) return { needsPlan: true }
    if (!planIsFresh && [...amounts.keys()].some((metric) => limitOf(config.limits, metric) === undefined)) return { needsPlan: true }
    const result = this.ctx.storage.transactionSync((): QuotaResult => {
      const period = this.rollPeriod(config, now)
      for (const [metric, amount] of amounts) {
        const used = readUsed(this.ctx.storage.sql, metric)
        const limit = enforcedLimit(config.limits, metric)
        if (amount > 0 && limit !== null && used + amount > limit) {
          return {
            ...this.result(false, config, period),
            denied: { metric, used, limit, ...(GAUGES.has(metric) ? {} : { retryAfterSeconds: Math.max(1, Math.ceil((period.end - now) / 1000)) }) },
          }
        }
      }
      const version = takeNextVersion(this.ctx.storage)
      for (const [metric, amount] of amounts) {
        if (amount === 0) continue
        const before = readUsed(this.ctx.storage.sql, metric)
        writeUsed(this.ctx.storage.sql, metric, before + amount, now, version)
        this.noteWarning(metric, before, before + amount, config, period)
      }
      return this.result(true, config, period)
    })
    this.scheduleFlush()
    return result
  }

  /** Gives items back: gauges go down when a file is deleted; a counter refund never goes below zero. */
  release(items: QuotaItem[], now: number): ConsumeResult {
    const amounts = sumItems(items)
    const config = this.config()
    if (config === undefined) return { needsPlan: true }
    const result = this.ctx.storage.transactionSync(() => {
      const period = this.rollPeriod(config, now)
      const version = takeNextVersion(this.ctx.storage)
      for (const [metric, amount] of amounts) {
        if (amount > 0) writeUsed(this.ctx.storage.sql, metric, Math.max(0, readUsed(this.ctx.storage.sql, metric) - amount), now, version)
      }
      return this.result(true, config, period)
    })
    this.scheduleFlush()
    return result
  }

  /**
   * Limits and period from the plan. Limits apply at once (an upgrade lifts a 429 on the next request);
   * a later period start begins a new period: counters go to zero, gauges stay.
   */
  configure(plan: PlanForMeter, now: number): QuotaResult {
    const previous = this.config()
    const result = this.ctx.storage.transactionSync(() => {
      const next: MeterConfig = { userId: plan.userId, limits: plan.limits, periodStart: plan.periodStart, periodEnd: plan.periodEnd }
      takeNextVersion(this.ctx.storage)
      // Only a period that starts later is a new one. A cancellation mid-period moves to the calendar
      // month, which started earlier: the counts carry on (no free reset by downgrading).
      if (previous !== undefined && next.periodStart > previous.periodStart) resetCounters(this.ctx.storage.sql)
      this.ctx.storage.kv.put('config', next)
      return this.result(true, next, this.rollPeriod(next, now))
    })
    this.scheduleFlush()
    return result
  }

  /** The figures now, without consuming (the API's /usage, admin). */
  read(now: number): ConsumeResult {
    const config = this.config()
    if (config === undefined) return { needsPlan: true }
    const result = this.ctx.storage.transactionSync(() => this.result(true, config, this.rollPeriod(config, now)))
    this.scheduleFlush()
    return result
  }

  /** Admin: sets one meter to a value. Returns the value before, for the adjustment record. */
  adjust(metric: MeterName, value: number, now: number): { before: number; after: number } {
    if (!isMeterName(metric)) throw new TypeError(`Unknown metric ${JSON.stringify(metric)}`)
    if (!Number.isSafeInteger(value) || value < 0) throw new TypeError('A meter value is a whole number, 0 or more')
    const result = this.ctx.storage.transactionSync(() => {
      const before = readUsed(this.ctx.storage.sql, metric)
      writeUsed(this.ctx.storage.sql, metric, value, now, takeNextVersion(this.ctx.storage))
      return { before, after: value }
    })
    this.scheduleFlush()
    return result
  }

  /** Fixed window per name (`max` per `windowSeconds`): API-key management throttles on the account. */
  hit(name: string, max: number, windowSeconds: number, now: number): { allowed: boolean; retryAfterSeconds: number } {
    return hitWindow(this.ctx.storage.sql, name, max, windowSeconds, now)
  }

  /**
   * The account is being deleted: forget everything, including a pending flush. A flush already writing
   * is waited for first (issue 19, 12d): wiping under it would let its Postgres write land after
   * account deletion removed the rows, and its bookkeeping recreate storage after deleteAll. Once the
   * wait ends, nothing is awaited before the delete, so no new flush can start in between; one started
   * after finds no config and writes nothing.
   */
  async wipe(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => undefined)
    this.alarmSet = false
    await Promise.all([this.ctx.storage.deleteAlarm(), this.ctx.storage.deleteAll()])
    // deleteAll drops the tables too; an object used again (a late request) starts empty, not broken.
    createMeterTables(this.ctx.storage.sql)
  }

  // ---- writing to Postgres ----

  override async alarm(): Promise<void> {
    this.alarmSet = false
    try {
      await this.flush()
    } catch (err) {
      // Keep trying for as long as it takes: the counts are safe in the object meanwhile.
      createLogger().error('usage flush failed', { error: err })
      await this.ctx.storage.setAlarm(Date.now() + RETRY_DELAY_MS)
      this.alarmSet = true
      return
    }
    this.scheduleFlush()
  }

  /**
   * Writes changed days and the current figures to Postgres, then sends pending 80% warnings. One at a
   * time: two overlapping flushes could land an older snapshot after a newer one.
   */
  async flush(): Promise<void> {
    // Another caller's failure is theirs to report; this flush starts afresh once that one is over.
    while (this.flushing) await this.flushing.catch(() => undefined)
    this.flushing = this.flushOnce().finally(() => { this.flushing = null })
    return this.flushing
  }

  private async flushOnce(): Promise<void> {
    const config = this.config()
    if (config === undefined) return
    const upTo = readVersion(this.ctx.storage)
    const flushed = readFlushedVersion(this.ctx.storage)
    const warnings = this.ctx.storage.sql.exec<PendingWarning>('SELECT metric, period_start AS periodStart, used, lim AS "limit" FROM warnings WHERE mailed = 0').toArray()
    if (upTo > flushed) {
      const days = this.ctx.storage.sql.exec<DailyRow>('SELECT metric, day, amount FROM daily WHERE version > ?', flushed).toArray()
      const meters = this.metrics(config).map((metric) => ({ metric, used: readUsed(this.ctx.storage.sql, metric), limit: enforcedLimit(config.limits, metric) }))
      await writeMeterSnapshot(this.env, { userId: config.userId, periodStart: config.periodStart, periodEnd: config.periodEnd, days, meters })
      // Only what was read above is now in Postgres; anything changed meanwhile has a newer version.
      this.ctx.storage.kv.put('flushed', Math.max(readFlushedVersion(this.ctx.storage), upTo))
      this.ctx.storage.sql.exec('DELETE FROM daily WHERE day < ? AND version <= ?', utcDay(Date.now() - KEEP_DAYS * 86_400_000), upTo)
    }
    if (warnings.length > 0) {
      const sent = await sendQuotaWarnings(this.env, config.userId, warnings)
      for (const w of sent) this.ctx.storage.sql.exec('UPDATE warnings SET mailed = 1 WHERE metric = ? AND period_start = ?', w.metric, w.periodStart)
    }
  }

  // ---- internals ----

  private config(): MeterConfig | undefined {
    return this.ctx.storage.kv.get<MeterConfig>('config')
  }

  /** The built-in metrics, then the feature metrics the plan lists or this meter has counted. */
  private metrics(config: MeterConfig): MeterName[] {
    const counted = this.ctx.storage.sql.exec<{ metric: string }>('SELECT metric FROM meters').toArray().map((r) => r.metric)
    const features = new Set([...Object.keys(config.limits.meters ?? {}), ...counted].filter(isFeatureMetric))
    return [...METRICS, ...[...features].sort()]
  }

  /** Moves an ended period forward (counters to zero) and returns the current one. */
  private rollPeriod(config: MeterConfig, now: number): Period {
    const period = advancePeriod({ start: config.periodStart, end: config.periodEnd }, now)
    if (period.start !== config.periodStart) {
      takeNextVersion(this.ctx.storage)
      resetCounters(this.ctx.storage.sql)
      config.periodStart = period.start
      config.periodEnd = period.end
      this.ctx.storage.kv.put('config', config)
    }
    return period
  }

  private noteWarning(metric: MeterName, before: number, after: number, config: MeterConfig, period: Period): void {
    const limit = enforcedLimit(config.limits, metric)
    if (limit === null || limit === 0) return
    const threshold = limit * WARN_SHARE
    if (before >= threshold || after < threshold) return
    // Once per metric and period: the primary key ignores a second crossing (after a release, say).
    this.ctx.storage.sql.exec('INSERT OR IGNORE INTO warnings (metric, period_start, used, lim) VALUES (?, ?, ?, ?)', metric, period.start, after, limit)
  }

  private result(allowed: boolean, config: MeterConfig, period: Period): QuotaResult {
    const usage = {} as QuotaResult['usage']
    for (const metric of this.metrics(config)) {
      const used = readUsed(this.ctx.storage.sql, metric)
      const limit = enforcedLimit(config.limits, metric)
      usage[metric] = { used, limit, remaining: limit === null ? null : Math.max(0, limit - used) }
    }
    return { allowed, usage, periodStart: period.start, periodEnd: period.end }
  }

  private scheduleFlush(): void {
    if (this.alarmSet || readVersion(this.ctx.storage) <= readFlushedVersion(this.ctx.storage)) return
    this.alarmSet = true
    // setAlarm is queued with this turn's writes (output gate): no await needed inside the decision.
    void this.ctx.storage.setAlarm(Date.now() + FLUSH_DELAY_MS)
  }
}
