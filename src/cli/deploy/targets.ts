import fs from 'node:fs'
import path from 'node:path'
import { variableRules } from '../checks'
import { CliError, EXIT } from '../errors'
import { readWranglerConfig, type WranglerConfig } from '../project'

/** One Worker deploy ships: its wrangler config and the secrets it cannot run without. */
export interface WorkerTarget {
  /** Its `name` in the config: what Cloudflare calls it. */
  name: string
  /** The config, relative to the project root (`wrangler.toml`, `workers/thumbnailer/wrangler.toml`). */
  configPath: string
  config: WranglerConfig
  secrets: string[]
}

export interface Resources {
  /** Dead-letter queues first: a consumer's `dead_letter_queue` must exist when its queue is wired up. */
  queues: Array<{ name: string; deadLetter: boolean }>
  buckets: string[]
}

// Secrets of the companion Workers in workers/<dir>/, from their Env types (the web Worker's come from
// the check's rules, which follow src/platform/env.ts). The thumbnailer writes thumbnail state to
// Postgres (ThumbnailerEnv in src/files/thumbnail-consumer.ts).
const COMPANION_SECRETS: Record<string, string[]> = { thumbnailer: ['DATABASE_URL'] }

/** wrangler's `-c` arguments for a Worker (none for the web Worker's default wrangler.toml). */
export function configArgs(worker: WorkerTarget): string[] {
  return worker.configPath === 'wrangler.toml' ? [] : ['-c', worker.configPath]
}

/** The secrets the web Worker needs in production: required by the check's rules and not in [vars]. */
export function listWebSecrets(config: WranglerConfig, billingInstalled: boolean): string[] {
  const vars = new Set(Object.keys(config.vars ?? {}))
  return variableRules('production', billingInstalled, 'the production secrets').filter((r) => r.required && !vars.has(r.name)).map((r) => r.name)
}

/**
 * Every Worker deploy ships, in deploy order: the companions in workers/ (alphabetically) first — the
 * thumbnailer consumes a queue the web Worker produces to — then the web Worker.
 */
export function readWorkerTargets(root: string, billingInstalled: boolean): WorkerTarget[] {
  const targets: WorkerTarget[] = []
  const dir = path.join(root, 'workers')
  const companions = fs.existsSync(dir) ? fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'wrangler.toml'))).sort() : []
  for (const companion of companions) {
    const config = readWranglerConfig(path.join(dir, companion))
    targets.push({ name: requireName(config, `workers/${companion}/wrangler.toml`), configPath: `workers/${companion}/wrangler.toml`, config, secrets: COMPANION_SECRETS[companion] ?? [] })
  }
  const web = readWranglerConfig(root)
  targets.push({ name: requireName(web, 'wrangler.toml'), configPath: 'wrangler.toml', config: web, secrets: listWebSecrets(web, billingInstalled) })
  return targets
}

function requireName(config: WranglerConfig, file: string): string {
  if (typeof config.name === 'string' && config.name !== '') return config.name
  throw new CliError(`${file} has no name.`, `Set name = "…" in ${file}: it is the Worker's name in Cloudflare.`, EXIT.config)
}

type QueueSection = { producers?: Array<{ queue?: string }>; consumers?: Array<{ queue?: string; dead_letter_queue?: string }> }

/** Every queue (producers, consumers, dead-letter queues) and R2 bucket the Workers name, once each. */
export function deriveResources(workers: WorkerTarget[]): Resources {
  const deadLetter = new Set<string>()
  const all = new Set<string>()
  const buckets = new Set<string>()
  for (const { config } of workers) {
    const queues = (config.queues ?? {}) as QueueSection
    for (const p of queues.producers ?? []) if (p.queue) all.add(p.queue)
    for (const c of queues.consumers ?? []) {
      if (c.queue) all.add(c.queue)
      if (c.dead_letter_queue) {
        all.add(c.dead_letter_queue)
        deadLetter.add(c.dead_letter_queue)
      }
    }
    for (const b of (config.r2_buckets ?? []) as Array<{ bucket_name?: string }>) if (b.bucket_name) buckets.add(b.bucket_name)
  }
  const queues = [...all].map((name) => ({ name, deadLetter: deadLetter.has(name) }))
  return { queues: [...queues.filter((q) => q.deadLetter), ...queues.filter((q) => !q.deadLetter)], buckets: [...buckets] }
}
