import { COUNTERS, GAUGES, type MeterName } from './metrics'
import { utcDay } from './period'

/**
 * The usage meter object's own SQLite (ADR 0040): its tables and the rows behind the decisions in
 * meter.ts. Every function is synchronous, so the object's read-modify-write decisions keep no `await`
 * between read and write.
 */

export function createMeterTables(sql: SqlStorage): void {
  sql.exec('CREATE TABLE IF NOT EXISTS meters (metric TEXT PRIMARY KEY, used INTEGER NOT NULL)')
  // version: the mutation number that last changed the row; rows newer than the last flush are sent.
  sql.exec('CREATE TABLE IF NOT EXISTS daily (metric TEXT NOT NULL, day TEXT NOT NULL, amount INTEGER NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (metric, day))')
  sql.exec('CREATE TABLE IF NOT EXISTS warnings (metric TEXT NOT NULL, period_start INTEGER NOT NULL, used INTEGER NOT NULL, lim INTEGER NOT NULL, mailed INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (metric, period_start))')
  sql.exec('CREATE TABLE IF NOT EXISTS windows (name TEXT PRIMARY KEY, count INTEGER NOT NULL, window_start INTEGER NOT NULL)')
}

export function readVersion(storage: DurableObjectStorage): number {
  return storage.kv.get<number>('version') ?? 0
}

export function readFlushedVersion(storage: DurableObjectStorage): number {
  return storage.kv.get<number>('flushed') ?? 0
}

export function takeNextVersion(storage: DurableObjectStorage): number {
  const v = readVersion(storage) + 1
  storage.kv.put('version', v)
  return v
}

export function readUsed(sql: SqlStorage, metric: MeterName): number {
  return sql.exec<{ used: number }>('SELECT used FROM meters WHERE metric = ?', metric).toArray()[0]?.used ?? 0
}

export function writeUsed(sql: SqlStorage, metric: MeterName, value: number, now: number, version: number): void {
  const delta = value - readUsed(sql, metric)
  sql.exec('INSERT INTO meters (metric, used) VALUES (?, ?) ON CONFLICT (metric) DO UPDATE SET used = excluded.used', metric, value)
  const day = utcDay(now)
  // Counters record the day's events (a refund or reset takes back at most what the day holds); gauges
  // record the day's closing level.
  const dayAmount = GAUGES.has(metric)
    ? value
    : Math.max(0, (sql.exec<{ amount: number }>('SELECT amount FROM daily WHERE metric = ? AND day = ?', metric, day).toArray()[0]?.amount ?? 0) + delta)
  sql.exec(
    'INSERT INTO daily (metric, day, amount, version) VALUES (?, ?, ?, ?) ON CONFLICT (metric, day) DO UPDATE SET amount = excluded.amount, version = excluded.version',
    metric, day, dayAmount, version,
  )
}

export function resetCounters(sql: SqlStorage): void {
  for (const metric of COUNTERS) {
    // The old period's events stay in their days; the live counter starts again.
    sql.exec('INSERT INTO meters (metric, used) VALUES (?, 0) ON CONFLICT (metric) DO UPDATE SET used = 0', metric)
  }
  // Feature metrics are counters too: everything but the gauges.
  sql.exec(`UPDATE meters SET used = 0 WHERE metric NOT IN (${[...GAUGES].map(() => '?').join(', ')})`, ...GAUGES)
}

/** Fixed window per name (`max` per `windowSeconds`): API-key management throttles on the account. */
export function hitWindow(sql: SqlStorage, name: string, max: number, windowSeconds: number, now: number): { allowed: boolean; retryAfterSeconds: number } {
  const row = sql.exec<{ count: number; window_start: number }>('SELECT count, window_start FROM windows WHERE name = ?', name).toArray()[0]
  if (row === undefined || now - row.window_start >= windowSeconds * 1000) {
    sql.exec('INSERT OR REPLACE INTO windows (name, count, window_start) VALUES (?, 1, ?)', name, now)
    return { allowed: true, retryAfterSeconds: 0 }
  }
  if (row.count >= max) return { allowed: false, retryAfterSeconds: Math.ceil((row.window_start + windowSeconds * 1000 - now) / 1000) }
  sql.exec('UPDATE windows SET count = count + 1 WHERE name = ?', name)
  return { allowed: true, retryAfterSeconds: 0 }
}
