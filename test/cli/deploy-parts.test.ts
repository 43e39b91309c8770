import { describe, expect, it } from 'vitest'
import { checkDeployedHealth } from '../../src/cli/deploy/smoke'
import { deriveResources, readWorkerTargets } from '../../src/cli/deploy/targets'
import { isWorkerNotFound, parseBucketList, parseQueueList, parseSecretList } from '../../src/cli/deploy/wrangler'
import { ROOT } from './helpers'

// The pieces of `quickscale deploy` that read wrangler's output and the site's answer, fed the shapes
// wrangler 4.164 prints (node_modules/wrangler/wrangler-dist/cli.js: logger.table through cli-table3,
// formatLabelledValues, JSON.stringify of the secrets) and a fetch/clock passed in.

describe('reading wrangler output', () => {
  it('finds the name column of `queues list`, with or without the jurisdiction column', () => {
    const table = [
      '┌──────────────────────────────────┬──────────────────────┬──────────────┬─────────────────────────────┬─────────────────────────────┬───────────┬───────────┐',
      '│ id                               │ name                 │ jurisdiction │ created_on                  │ modified_on                 │ producers │ consumers │',
      '├──────────────────────────────────┼──────────────────────┼──────────────┼─────────────────────────────┼─────────────────────────────┼───────────┼───────────┤',
      '│ 0f3c                             │ quickscale-email     │ eu           │ 2026-11-01T10:00:00.000000Z │ 2026-11-01T10:00:00.000000Z │ 1         │ 1         │',
      '├──────────────────────────────────┼──────────────────────┼──────────────┼─────────────────────────────┼─────────────────────────────┼───────────┼───────────┤',
      '│ 9a1b                             │ quickscale-email-dlq │              │ 2026-11-01T10:00:00.000000Z │ 2026-11-01T10:00:00.000000Z │ 0         │ 1         │',
      '└──────────────────────────────────┴──────────────────────┴──────────────┴─────────────────────────────┴─────────────────────────────┴───────────┴───────────┘',
    ].join('\n')
    expect(parseQueueList(`\u001b[90m${table}\u001b[39m`)).toEqual(['quickscale-email', 'quickscale-email-dlq'])
    expect(parseQueueList('┌┐\n└┘')).toEqual([])
    expect(parseQueueList('')).toEqual([])
  })

  it('reads bucket names from `r2 bucket list` and secret names from `secret list`', () => {
    expect(parseBucketList('Listing buckets...\nname:           quickscale-files\ncreation_date:  2026-11-01T10:00:00.000Z\n\nname:           other\ncreation_date:  2026-11-02T10:00:00.000Z\n')).toEqual(['quickscale-files', 'other'])
    expect(parseBucketList('Listing buckets...\n\n')).toEqual([])
    expect(parseSecretList('[\n  {\n    "name": "DATABASE_URL",\n    "type": "secret_text"\n  }\n]\n')).toEqual(['DATABASE_URL'])
    expect(parseSecretList('[]')).toEqual([])
    expect(() => parseSecretList('✘ [ERROR] Authentication error')).toThrow(/no JSON list/)
  })

  it('tells a Worker that does not exist yet from other failures of `secret list`', () => {
    const notFound = { code: 1, stdout: '', output: '\n✘ [ERROR] Worker "quickscale-thumbnailer" not found.\n\nIf this is a new Worker, run `wrangler deploy` first to create it.\n' }
    expect(isWorkerNotFound(notFound)).toBe(true)
    expect(isWorkerNotFound({ code: 1, stdout: '', output: '✘ [ERROR] A request to the Cloudflare API failed. Authentication error [code: 10000]' })).toBe(false)
  })
})

describe('what deploy ships', () => {
  it('derives every queue (dead-letter queues first) and bucket from both wrangler.toml files, thumbnailer before web', () => {
    const workers = readWorkerTargets(ROOT, true)
    expect(workers.map((w) => w.configPath)).toEqual(['workers/thumbnailer/wrangler.toml', 'wrangler.toml'])
    expect(workers[0]!.secrets).toEqual(['DATABASE_URL'])
    expect(workers[1]!.secrets).toEqual(['DATABASE_URL', 'RESEND_API_KEY', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'])
    expect(readWorkerTargets(ROOT, false)[1]!.secrets).toEqual(['DATABASE_URL', 'RESEND_API_KEY'])
    const { queues, buckets } = deriveResources(workers)
    expect(queues.map((q) => q.name).sort()).toEqual(['quickscale-account-deletion', 'quickscale-account-deletion-dlq', 'quickscale-email', 'quickscale-email-dlq', 'quickscale-thumbnails', 'quickscale-thumbnails-dlq'])
    const firstMain = queues.findIndex((q) => !q.deadLetter)
    expect(queues.slice(0, firstMain).map((q) => q.name).sort()).toEqual(['quickscale-account-deletion-dlq', 'quickscale-email-dlq', 'quickscale-thumbnails-dlq'])
    expect(buckets).toEqual(['quickscale-files'])
  })
})

describe('the smoke check', () => {
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

  it('asks again until the site answers 200 with the database ok', async () => {
    let clock = 0
    const answers = [() => Promise.reject(new TypeError('fetch failed')), () => Promise.resolve(answer(503, { status: 'error', database: { status: 'unreachable', latencyMs: 5000 } })), () => Promise.resolve(answer(200, { status: 'ok', database: { status: 'ok', latencyMs: 7 } }))]
    const urls: string[] = []
    const result = await checkDeployedHealth('https://shop.example.net/some/page', {
      fetch: (async (url: string) => { urls.push(url); return answers.shift()!() }) as unknown as typeof fetch,
      now: () => clock,
      sleep: async (ms) => { clock += ms },
    }, { timeoutMs: 60_000, intervalMs: 3_000 })
    expect(result).toEqual({ ok: true, detail: '200, database ok (7 ms)', attempts: 3 })
    expect(urls).toEqual(Array(3).fill('https://shop.example.net/health'))
  })

  it('gives up at the deadline with the last answer, and never takes a page that is not the health JSON', async () => {
    let clock = 0
    const result = await checkDeployedHealth('https://shop.example.net', {
      fetch: (async () => new Response('<html>parked domain</html>', { status: 200 })) as unknown as typeof fetch,
      now: () => clock,
      sleep: async (ms) => { clock += ms },
    }, { timeoutMs: 10_000, intervalMs: 3_000 })
    expect(result.ok).toBe(false)
    expect(result.attempts).toBe(5)
    expect(result.detail).toBe("200, not the app's health answer (<html>parked domain</html>)")
  })
})
