import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { configArgs, deriveResources, readWorkerTargets } from '../../src/cli/deploy/targets'
import type { WranglerConfig } from '../../src/cli/project'
import { ROOT } from './helpers'

// docs/deploy.md must name everything a deploy needs: every Worker, queue, bucket, binding and [vars]
// entry of both wrangler.toml files, every variable of the app's schema (src/platform/env.ts) and of the
// thumbnailer's Env, and the exact `wrangler secret put` line of every secret of every Worker. Names
// are read from the files, so a binding added tomorrow fails this test until the guide mentions it.
const guide = fs.readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8')

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** The names the guide does not mention as a whole word (`quickscale-email` is not in `quickscale-email-dlq`). */
function missingFromGuide(names: Iterable<string>): string[] {
  return [...new Set(names)].filter((name) => !new RegExp(`(?<![\\w-])${escape(name)}(?![\\w-])`).test(guide))
}

function bindingNames(config: WranglerConfig): string[] {
  const queues = (config.queues ?? {}) as { producers?: Array<{ binding?: string }> }
  const objects = ((config.durable_objects as { bindings?: Array<{ name?: string; class_name?: string }> } | undefined)?.bindings ?? [])
  return [
    ...(queues.producers ?? []).map((p) => p.binding),
    ...((config.r2_buckets ?? []) as Array<{ binding?: string }>).map((b) => b.binding),
    ...((config.kv_namespaces ?? []) as Array<{ binding?: string }>).map((k) => k.binding),
    ...objects.flatMap((o) => [o.name, o.class_name]),
    (config.assets as { binding?: string } | undefined)?.binding,
  ].filter((n): n is string => Boolean(n))
}

/** The keys of an object literal or interface body in a source file, from its opening line on. */
function keysIn(file: string, opening: RegExp): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8')
  const start = text.search(opening)
  expect(start, `${opening} in ${file}`).toBeGreaterThanOrEqual(0)
  const body = text.slice(start).split('\n').slice(1)
  const keys: string[] = []
  for (const line of body) {
    if (/^[})]/.test(line)) break
    const key = /^ {2}([A-Z][A-Z0-9_]*)\??:/.exec(line)?.[1]
    if (key) keys.push(key)
  }
  return keys
}

describe('docs/deploy.md', () => {
  const workers = readWorkerTargets(ROOT, fs.existsSync(path.join(ROOT, 'src/billing/index.ts')))
  const { queues, buckets } = deriveResources(workers)

  it('names both Workers, every queue and bucket, and how to create each', () => {
    expect(workers.length).toBeGreaterThanOrEqual(2)
    expect(missingFromGuide(workers.map((w) => w.name))).toEqual([])
    expect(missingFromGuide(workers.map((w) => w.configPath))).toEqual([])
    expect(queues.length).toBe(6)
    expect(missingFromGuide(queues.map((q) => q.name))).toEqual([])
    for (const q of queues) expect(guide).toContain(`npx wrangler queues create ${q.name}\n`)
    for (const b of buckets) expect(guide).toContain(`npx wrangler r2 bucket create ${b}\n`)
    for (const w of workers) expect(guide).toContain(`npx wrangler deploy${configArgs(w).map((a) => ` ${a}`).join('')}\n`)
  })

  it('names every binding and [vars] entry of both configs', () => {
    expect(missingFromGuide(workers.flatMap((w) => bindingNames(w.config)))).toEqual([])
    expect(missingFromGuide(workers.flatMap((w) => Object.keys(w.config.vars ?? {})))).toEqual([])
  })

  it('names every variable of the app\'s schema and the thumbnailer\'s Env', () => {
    const schema = keysIn('src/platform/env.ts', /const configSchema = z\.object\(\{/)
    expect(schema).toContain('DATABASE_URL')
    expect(missingFromGuide(schema)).toEqual([])
    const thumbnailer = keysIn('src/files/thumbnail-consumer.ts', /export interface ThumbnailerEnv \{/)
    expect(thumbnailer).toContain('DATABASE_URL')
    expect(missingFromGuide(thumbnailer)).toEqual([])
  })

  it('gives the exact `wrangler secret put` line of every secret of every Worker', () => {
    const lines = workers.flatMap((w) => w.secrets.map((s) => ['npx wrangler secret put', s, ...configArgs(w)].join(' ')))
    expect(lines).toContain('npx wrangler secret put DATABASE_URL -c workers/thumbnailer/wrangler.toml')
    for (const line of lines) expect(guide).toContain(`${line}\n`)
  })

  it('would notice a name it does not know', () => {
    expect(missingFromGuide(['QUICKSCALE_NOT_A_BINDING', 'quickscale-email'])).toEqual(['QUICKSCALE_NOT_A_BINDING'])
  })
})
