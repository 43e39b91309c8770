import { CliError, EXIT } from '../errors'
import { configArgs, type Resources, type WorkerTarget } from './targets'
import { describeWranglerFailure, isWorkerNotFound, parseBucketList, parseQueueList, parseSecretList, type WranglerRunner } from './wrangler'

// Reading and creating what the Workers need in the Cloudflare account. Reads change nothing; creates
// are only called for what a read found missing, so a re-run skips what an earlier run made.

/** What the account holds of the resources the Workers name, and each Worker's secret names. */
export interface AccountState {
  queues: Set<string>
  buckets: Set<string>
  /** Worker name → its secret names (empty when the Worker does not exist yet). */
  secrets: Map<string, Set<string>>
}

// Beyond this many pages of `wrangler queues list`, something is wrong (the API repeating a page).
const MAX_QUEUE_PAGES = 50

function failRead(what: string, run: { code: number; stdout: string; output: string }): never {
  throw new CliError(
    `Could not ${what}: ${describeWranglerFailure(run)}`,
    'Check the network and the login (`npx wrangler whoami`; CI: CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID), then run `npx quickscale deploy` again. Nothing was changed.',
    EXIT.service,
  )
}

/** Every queue's name, page by page (`wrangler queues list --page n`) until a page brings nothing new. */
export async function listQueues(wrangler: WranglerRunner): Promise<Set<string>> {
  const names = new Set<string>()
  for (let page = 1; page <= MAX_QUEUE_PAGES; page++) {
    const run = await wrangler(['queues', 'list', '--page', String(page)])
    if (run.code !== 0) failRead('list the queues (`wrangler queues list`)', run)
    const found = parseQueueList(run.stdout).filter((n) => !names.has(n))
    if (found.length === 0) break
    for (const n of found) names.add(n)
  }
  return names
}

export async function listBuckets(wrangler: WranglerRunner): Promise<Set<string>> {
  const run = await wrangler(['r2', 'bucket', 'list'])
  if (run.code !== 0) failRead('list the R2 buckets (`wrangler r2 bucket list`)', run)
  return new Set(parseBucketList(run.stdout))
}

/** A Worker's secret names; none when the Worker was never deployed nor given a secret. */
export async function listWorkerSecrets(wrangler: WranglerRunner, worker: WorkerTarget): Promise<Set<string>> {
  const run = await wrangler(['secret', 'list', '--format', 'json', ...configArgs(worker)])
  if (run.code !== 0) {
    if (isWorkerNotFound(run)) return new Set()
    failRead(`list the secrets of ${worker.name} (\`wrangler secret list\`)`, run)
  }
  try {
    return new Set(parseSecretList(run.stdout))
  } catch {
    failRead(`read the secrets of ${worker.name}: \`wrangler secret list\` printed no JSON list`, run)
  }
}

export async function readAccountState(wrangler: WranglerRunner, workers: WorkerTarget[]): Promise<AccountState> {
  const secrets = new Map<string, Set<string>>()
  for (const worker of workers) secrets.set(worker.name, await listWorkerSecrets(wrangler, worker))
  return { queues: await listQueues(wrangler), buckets: await listBuckets(wrangler), secrets }
}

export interface MissingResources {
  queues: string[]
  buckets: string[]
}

/** What deploy will create, in creation order (dead-letter queues first). */
export function findMissingResources(resources: Resources, account: AccountState): MissingResources {
  return {
    queues: resources.queues.filter((q) => !account.queues.has(q.name)).map((q) => q.name),
    buckets: resources.buckets.filter((b) => !account.buckets.has(b)),
  }
}

export interface MissingSecret {
  worker: WorkerTarget
  name: string
}

export function findMissingSecrets(workers: WorkerTarget[], account: AccountState): MissingSecret[] {
  return workers.flatMap((worker) => worker.secrets.filter((name) => !account.secrets.get(worker.name)?.has(name)).map((name) => ({ worker, name })))
}

/** The exact commands that set them, grouped per Worker. */
export function formatSecretPutLines(missing: MissingSecret[]): string[] {
  const lines: string[] = []
  for (const worker of [...new Set(missing.map((m) => m.worker))]) {
    lines.push(`${worker.name} (${worker.configPath}):`)
    for (const m of missing.filter((x) => x.worker === worker)) lines.push(`  npx wrangler secret put ${[m.name, ...configArgs(worker)].join(' ')}`)
  }
  return lines
}

export async function createQueue(wrangler: WranglerRunner, name: string): Promise<void> {
  const run = await wrangler(['queues', 'create', name], { echo: true })
  if (run.code !== 0) throw new Error(`\`wrangler queues create ${name}\` failed: ${describeWranglerFailure(run)}`)
}

export async function createBucket(wrangler: WranglerRunner, name: string): Promise<void> {
  const run = await wrangler(['r2', 'bucket', 'create', name], { echo: true })
  if (run.code !== 0) throw new Error(`\`wrangler r2 bucket create ${name}\` failed: ${describeWranglerFailure(run)}`)
}

export async function deployWorker(wrangler: WranglerRunner, worker: WorkerTarget): Promise<void> {
  const args = ['deploy', ...configArgs(worker)]
  const run = await wrangler(args, { echo: true })
  if (run.code !== 0) throw new Error(`\`wrangler ${args.join(' ')}\` failed: ${describeWranglerFailure(run)}`)
}
