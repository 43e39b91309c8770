import type { CheckResult } from '../checks'
import type { ExitCode } from '../errors'
import { findMissingResources, findMissingSecrets, formatSecretPutLines, type AccountState, type MissingResources, type MissingSecret } from './account'
import type { Resources, WorkerTarget } from './targets'

/** Everything deploy will do, decided before it changes anything. */
export interface DeployPlan {
  workers: WorkerTarget[]
  resources: Resources
  account: AccountState
  missing: MissingResources
  missingSecrets: MissingSecret[]
  /** null: unknown (no database to ask). */
  pendingMigrations: string[] | null
  /** Where migrations go: the exported DATABASE_URL, password masked. */
  migrationsTarget?: string
  appUrl: string
  smokeUrl: string
}

/** A reason deploy refuses to start, with its fix and exit code. */
export interface Refusal {
  message: string
  fix: string
  exitCode: ExitCode
}

export function buildDeployPlan(input: Omit<DeployPlan, 'missing' | 'missingSecrets'>): DeployPlan {
  return { ...input, missing: findMissingResources(input.resources, input.account), missingSecrets: findMissingSecrets(input.workers, input.account) }
}

/** The plan as lines: each resource exists / will be created, each secret set / missing, then the steps. */
export function formatPlan(plan: DeployPlan): string[] {
  const lines: string[] = []
  const width = Math.max(...plan.resources.queues.map((q) => q.name.length), ...plan.resources.buckets.map((b) => b.length), 10)
  for (const q of plan.resources.queues) lines.push(`  queue  ${q.name.padEnd(width)}  ${plan.missing.queues.includes(q.name) ? 'will be created' : 'exists'}${q.deadLetter ? ' (dead-letter queue)' : ''}`)
  for (const b of plan.resources.buckets) lines.push(`  bucket ${b.padEnd(width)}  ${plan.missing.buckets.includes(b) ? 'will be created' : 'exists'}`)
  for (const worker of plan.workers) {
    const secrets = worker.secrets.map((name) => `${name} ${plan.missingSecrets.some((m) => m.worker === worker && m.name === name) ? 'missing' : 'set'}`)
    lines.push(`  secrets of ${worker.name} (${worker.configPath}): ${secrets.join(', ') || 'none needed'}`)
  }
  const pending = plan.pendingMigrations
  lines.push(`  migrations${plan.migrationsTarget ? ` on ${plan.migrationsTarget}` : ''}: ${pending === null ? 'unknown (no database)' : pending.length === 0 ? 'none pending' : `${pending.length} pending (${pending.join(', ')})`}`)
  lines.push(`  deploy: ${plan.workers.map((w) => w.name).join(', then ')}`)
  lines.push(`  smoke check: GET ${new URL('/health', plan.smokeUrl).href}`)
  return lines
}

/**
 * Why deploy must not start: a failed check (a pending migration is not one: deploy applies it), a
 * missing secret (with the exact `wrangler secret put` lines), no DATABASE_URL to migrate with.
 */
export function findRefusals(plan: DeployPlan, checks: CheckResult[], databaseUrl: string | undefined): Refusal[] {
  const refusals: Refusal[] = []
  const failed = checks.filter((r) => r.status === 'fail' && r.check !== 'migrations')
  if (failed.length > 0) {
    refusals.push({ message: `${failed.length} check${failed.length === 1 ? '' : 's'} failed (listed above).`, fix: 'Apply the fixes listed above.', exitCode: 1 })
  }
  if (plan.missingSecrets.length > 0) {
    const n = plan.missingSecrets.length
    refusals.push({
      message: `${n} secret${n === 1 ? ' is' : 's are'} not set in Cloudflare: ${plan.missingSecrets.map((m) => `${m.name} of ${m.worker.name}`).join(', ')}.`,
      fix: ['Set each one (wrangler asks for the value; CI: pipe it in):', ...formatSecretPutLines(plan.missingSecrets).map((l) => `    ${l}`)].join('\n'),
      exitCode: 3,
    })
  }
  if (!databaseUrl) {
    refusals.push({
      message: 'DATABASE_URL is not exported: deploy applies the migrations from this machine.',
      fix: "Export the same connection string the Workers have: export DATABASE_URL='postgresql://…neon.tech/…?sslmode=require' (docs/deploy.md).",
      exitCode: 3,
    })
  }
  return refusals
}
