import { CliError, EXIT } from '../errors'
import type { FeatureNames } from './names'

/**
 * `--metered "<words>" --limit <plan>=<n>,…` (ADR 0072): the generated feature declares a meter that the
 * usage feature counts like its own (atomic check-and-consume in the account's UsageMeter, reset each
 * period, shown on /usage), with a per-plan limit in `plans.meter_limits` written by a migration.
 */
export interface MeterSpec {
  /** What people read: "report exports". */
  noun: string
  /** The metric's name in the meter and the plans: report_exports. */
  metric: string
  /** In the order given; null = no limit. Plans not named get 0 (the meter is not part of them). */
  limits: Array<{ plan: string; limit: number | null }>
}

// The usage feature's own metrics (src/usage/metrics.ts METRICS): a feature meter may not take their names.
const BUILT_IN_METRICS = new Set(['storage_bytes', 'file_count', 'uploads', 'api_requests'])
const MAX_LIMIT = 1_000_000_000_000

export function meterSpec(metered: string | undefined, limit: string | undefined): MeterSpec | undefined {
  if (metered === undefined && limit === undefined) return undefined
  if (metered === undefined) throw new CliError('--limit needs --metered: say what is counted.', 'Add --metered "report exports" (the words people read on /usage).', EXIT.usage)
  const noun = metered.trim().replace(/\s+/g, ' ').toLowerCase()
  if (/^\d+$/.test(noun)) {
    throw new CliError(`--metered now names what is counted, not a number ("${metered}").`, `Use --metered "items added" --limit free=${noun},pro=${Number(noun) * 10} (limits per plan, from the plans table).`, EXIT.usage)
  }
  if (!/^[a-z][a-z0-9]*( [a-z0-9]+)*$/.test(noun) || noun.length > 60) {
    throw new CliError(`"${metered}" cannot name a meter.`, 'Use lowercase words and digits, starting with a letter, like "report exports".', EXIT.usage)
  }
  const metric = noun.replace(/ /g, '_')
  if (BUILT_IN_METRICS.has(metric)) throw new CliError(`"${noun}" is a built-in meter of the usage feature.`, 'Name what this feature counts, like "report exports".', EXIT.usage)
  if (limit === undefined) throw new CliError('--metered needs --limit: the limit of each plan, per period.', `Add --limit free=10,pro=1000 (plan ids from the plans table; "unlimited" for no limit).`, EXIT.usage)
  return { noun, metric, limits: parseLimits(limit) }
}

function parseLimits(raw: string): MeterSpec['limits'] {
  const limits: MeterSpec['limits'] = []
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z0-9][a-z0-9_-]{0,39})=(\d{1,13}|unlimited)$/.exec(part)
    if (!m || (m[2] !== 'unlimited' && Number(m[2]) > MAX_LIMIT)) {
      throw new CliError(`"${part}" is not a plan limit.`, 'Write plan=number or plan=unlimited, separated by commas: --limit free=10,pro=1000,business=unlimited', EXIT.usage)
    }
    if (limits.some((l) => l.plan === m[1])) throw new CliError(`--limit names plan "${m[1]}" twice.`, 'Give each plan one limit.', EXIT.usage)
    limits.push({ plan: m[1]!, limit: m[2] === 'unlimited' ? null : Number(m[2]) })
  }
  if (limits.length === 0) throw new CliError('--limit is empty.', 'Give at least one plan: --limit free=10,pro=1000', EXIT.usage)
  return limits
}

export function describeLimits(spec: MeterSpec): string {
  return spec.limits.map((l) => `${l.plan} ${l.limit === null ? 'unlimited' : l.limit}`).join(', ')
}

/**
 * The migration that gives every plan the meter's limit (plans.meter_limits; -1 = no limit, 0 for the plans
 * not named). It fails on a plan id the table does not have, instead of silently setting nothing.
 */
export function meterLimitsSql(spec: MeterSpec, command: string): string {
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`
  const ids = spec.limits.map((l) => q(l.plan)).join(', ')
  const cases = spec.limits.map((l) => `WHEN ${q(l.plan)} THEN ${l.limit === null ? -1 : l.limit}`).join(' ')
  return `-- The ${spec.metric} meter's limit per plan and period (${command}).
-- -1 = no limit; a plan not named gets 0: the meter is not part of it. Change them with a new migration.
DO $$
BEGIN
  IF (SELECT count(*) FROM "plans" WHERE "id" IN (${ids})) <> ${spec.limits.length} THEN
    RAISE EXCEPTION '${spec.metric} limits: a plan named in --limit (${spec.limits.map((l) => l.plan).join(', ')}) is not in the plans table';
  END IF;
END $$;
--> statement-breakpoint
UPDATE "plans" SET "meter_limits" = "meter_limits" || jsonb_build_object(${q(spec.metric)}, CASE "id" ${cases} ELSE 0 END), "updated_at" = now();
`
}

export function meterFile(n: FeatureNames, spec: MeterSpec): string {
  return `import type { Feature } from '../platform/feature'
import type { QuotaResult } from '../usage'

// What this feature meters (generated with --metered "${spec.noun}"): one per item added, counted by the
// usage feature's UsageMeter in the same atomic step as its own meters, against the plan's limit
// (plans.meter_limits, set by the ${spec.metric} limits migration in drizzle/). /usage lists it.
export const METRIC = '${spec.metric}'

export const ${n.camel}Meters: NonNullable<Feature['meters']> = [{ metric: METRIC, label: '${spec.noun} this period' }]

export interface Allowance {
  used: number
  /** null = no limit on the plan. */
  limit: number | null
}

/** The meter's figures in a quota result; undefined while the meter has not read this metric's limit yet. */
export function allowanceOf(quota: QuotaResult): Allowance | undefined {
  const usage = quota.usage[METRIC]
  return usage && { used: usage.used, limit: usage.limit }
}
`
}
