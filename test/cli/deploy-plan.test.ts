import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createBucket, createQueue, deployWorker, listWorkerSecrets, readAccountState } from '../../src/cli/deploy/account'
import { buildDeployPlan, findRefusals, formatPlan } from '../../src/cli/deploy/plan'
import { runDeploySteps, type DeployStep } from '../../src/cli/deploy/steps'
import { deriveResources, readWorkerTargets, type WorkerTarget } from '../../src/cli/deploy/targets'
import { createWranglerRunner, describeWranglerFailure, type WranglerRunner } from '../../src/cli/deploy/wrangler'
import { CliError, EXIT } from '../../src/cli/errors'
import { ROOT } from './helpers'

// `quickscale deploy`'s decisions in-process (the whole command runs only in deploy.slow.test.ts): what
// the account holds, read through the stand-in wrangler (test/cli/stand-in-wrangler.mjs) as a real
// process; the plan it prints; why it refuses; how a failed step is reported.

const STAND_IN = path.join(ROOT, 'test/cli/stand-in-wrangler.mjs')

/** A fake Cloudflare account in a temp file, and a runner that talks to it through the stand-in. */
function account(state: object, extra: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-deploy-plan-'))
  const file = path.join(dir, 'state.json')
  fs.writeFileSync(file, JSON.stringify(state))
  const echoed: string[] = []
  const env = { ...process.env, QUICKSCALE_WRANGLER: STAND_IN, STAND_IN_WRANGLER_STATE: file, STAND_IN_WRANGLER_PAGE_SIZE: '2', ...extra }
  const wrangler = createWranglerRunner(ROOT, env, (text) => echoed.push(text))
  return { wrangler, echoed, read: () => JSON.parse(fs.readFileSync(file, 'utf8')) as { queues: Array<{ name: string }>; buckets: Array<{ name: string }> } }
}

const queue = (name: string) => ({ id: name.replace(/\W/g, ''), name, created: '2026-11-01T10:00:00.000Z' })
const workers = readWorkerTargets(ROOT, true)
const [thumbnailer, web] = workers as [WorkerTarget, WorkerTarget]

describe('what the account holds', () => {
  it('reads queues page by page, buckets, and each Worker\'s secrets (none for a Worker never deployed)', async () => {
    const { wrangler } = account({
      queues: ['quickscale-email', 'quickscale-email-dlq', 'quickscale-thumbnails', 'other-app-queue', 'quickscale-thumbnails-dlq'].map(queue),
      buckets: [{ name: 'quickscale-files', created: '2026-11-01T10:00:00.000Z' }],
      secrets: { [thumbnailer.name]: ['DATABASE_URL'] },
    })
    const state = await readAccountState(wrangler, workers)
    // Five queues at two a page: page 3 holds the fifth, page 4 nothing new.
    expect([...state.queues]).toEqual(['quickscale-email', 'quickscale-email-dlq', 'quickscale-thumbnails', 'other-app-queue', 'quickscale-thumbnails-dlq'])
    expect([...state.buckets]).toEqual(['quickscale-files'])
    expect([...state.secrets.get(thumbnailer.name)!]).toEqual(['DATABASE_URL'])
    expect(state.secrets.get(web.name)!.size).toBe(0)
  })

  it('a failed read changes nothing and says how to check the login (exit 5)', async () => {
    const { wrangler } = account({}, { STAND_IN_WRANGLER_FAIL: '^r2 bucket list' })
    const err = await readAccountState(wrangler, workers).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CliError)
    expect((err as CliError).exitCode).toBe(EXIT.service)
    expect((err as CliError).message).toBe('Could not list the R2 buckets (`wrangler r2 bucket list`): A request to the Cloudflare API (/accounts/stand-in/…) failed.')
    expect((err as CliError).fix).toMatch(/Nothing was changed\.$/)
    const queues = account({}, { STAND_IN_WRANGLER_FAIL: '^queues list' })
    await expect(readAccountState(queues.wrangler, [])).rejects.toThrow(/^Could not list the queues/)
  })

  it('secret list failing for another reason than a missing Worker, or printing no JSON, is a read failure', async () => {
    const { wrangler } = account({}, { STAND_IN_WRANGLER_FAIL: '^secret list' })
    await expect(listWorkerSecrets(wrangler, web)).rejects.toThrow(`Could not list the secrets of ${web.name}`)
    const noJson: WranglerRunner = async () => ({ code: 0, stdout: 'Secrets are listed in the dashboard now.\n', output: 'Secrets are listed in the dashboard now.\n' })
    await expect(listWorkerSecrets(noJson, web)).rejects.toThrow(`read the secrets of ${web.name}: \`wrangler secret list\` printed no JSON list`)
  })
})

describe('creating what is missing', () => {
  it('creates queues and buckets, echoing wrangler\'s output indented; a second create fails with wrangler\'s error line', async () => {
    const { wrangler, echoed, read } = account({})
    await createQueue(wrangler, 'quickscale-email-dlq')
    await createBucket(wrangler, 'quickscale-files')
    expect(read().queues.map((q) => q.name)).toEqual(['quickscale-email-dlq'])
    expect(read().buckets.map((b) => b.name)).toEqual(['quickscale-files'])
    const printed = echoed.join('')
    expect(printed).toContain("    🌀 Creating queue 'quickscale-email-dlq'\n    ✅ Created queue 'quickscale-email-dlq'\n")
    expect(printed.split('\n').filter((l) => l !== '').every((l) => l.startsWith('    '))).toBe(true)
    await expect(createQueue(wrangler, 'quickscale-email-dlq')).rejects.toThrow('`wrangler queues create quickscale-email-dlq` failed: A request to the Cloudflare API (/accounts/stand-in/queues) failed.')
    await expect(createBucket(wrangler, 'quickscale-files')).rejects.toThrow('`wrangler r2 bucket create quickscale-files` failed: A request to the Cloudflare API (/accounts/stand-in/r2/buckets) failed.')
  })

  it('deploys a companion with its -c config; a deploy wrangler refuses names the missing queue', async () => {
    const own = deriveResources([thumbnailer])
    const { wrangler } = account({ queues: own.queues.map((q) => queue(q.name)), buckets: own.buckets.map((name) => ({ name, created: '2026-11-01T10:00:00.000Z' })) })
    await deployWorker(wrangler, thumbnailer)
    await expect(deployWorker(wrangler, web)).rejects.toThrow(/^`wrangler deploy` failed: Queue "[a-z-]+" does not exist\./)
  })

  it('a wrangler that cannot start reads as exit 127 with the reason', async () => {
    const run = await createWranglerRunner(ROOT, { ...process.env, QUICKSCALE_WRANGLER: path.join(ROOT, 'no-such-wrangler') })(['whoami'])
    expect(run.code).toBe(127)
    expect(describeWranglerFailure(run)).toMatch(/ENOENT/)
  })

  it('describes a failure by its ✘ [ERROR] line, else its last two lines, else its exit code', () => {
    expect(describeWranglerFailure({ code: 1, stdout: '', output: '\u001b[31m✘ [ERROR]\u001b[0m Authentication error [code: 10000]  \nmore' })).toBe('Authentication error [code: 10000]')
    expect(describeWranglerFailure({ code: 2, stdout: '', output: 'one\ntwo\n\nthree\n' })).toBe('two three')
    expect(describeWranglerFailure({ code: 9, stdout: '', output: '  \n' })).toBe('exit code 9, no output')
  })
})

describe('the plan and the refusals', () => {
  const resources = deriveResources(workers)
  const everything = { queues: new Set(resources.queues.map((q) => q.name)), buckets: new Set(resources.buckets), secrets: new Map(workers.map((w) => [w.name, new Set(w.secrets)])) }
  const base = { workers, resources, pendingMigrations: [] as string[] | null, appUrl: 'https://shop.example.net', smokeUrl: 'https://shop.example.net/app' }

  // Names from wrangler.toml (quickscale init renames them in a new project).
  const main = resources.queues.find((q) => !q.deadLetter)!.name
  const deadLetter = resources.queues.find((q) => q.deadLetter)!.name
  const bucket = resources.buckets[0]!

  it('says what exists, what will be created, which secrets are missing, and the migrations', () => {
    const account = { queues: new Set([main]), buckets: new Set<string>(), secrets: new Map([[thumbnailer.name, new Set(['DATABASE_URL'])]]) }
    const plan = buildDeployPlan({ ...base, account, pendingMigrations: ['0013_sign_in_methods', '0014_more'], migrationsTarget: 'postgresql://app:****@db.example.net/app' })
    expect(plan.missing.queues).toEqual(resources.queues.map((q) => q.name).filter((n) => n !== main))
    expect(plan.missing.buckets).toEqual(resources.buckets)
    expect(plan.missingSecrets.map((m) => `${m.worker.name}:${m.name}`)).toEqual(web.secrets.map((s) => `${web.name}:${s}`))
    const lines = formatPlan(plan)
    expect(lines.find((l) => l.includes(` ${main} `))).toMatch(new RegExp(`^ {2}queue {2}${main} +exists$`))
    expect(lines.find((l) => l.includes(` ${deadLetter} `))).toMatch(/will be created \(dead-letter queue\)$/)
    expect(lines).toContain(`  bucket ${bucket.padEnd(Math.max(...resources.queues.map((q) => q.name.length)))}  will be created`)
    expect(lines).toContain(`  secrets of ${thumbnailer.name} (workers/thumbnailer/wrangler.toml): DATABASE_URL set`)
    expect(lines).toContain(`  secrets of ${web.name} (wrangler.toml): ${web.secrets.map((s) => `${s} missing`).join(', ')}`)
    expect(lines).toContain('  migrations on postgresql://app:****@db.example.net/app: 2 pending (0013_sign_in_methods, 0014_more)')
    expect(lines).toContain(`  deploy: ${thumbnailer.name}, then ${web.name}`)
    expect(lines.at(-1)).toBe('  smoke check: GET https://shop.example.net/health')
  })

  it('says when nothing is pending, when it cannot know, and when a Worker needs no secret', () => {
    const noSecrets = { ...thumbnailer, secrets: [] }
    expect(formatPlan(buildDeployPlan({ ...base, workers: [noSecrets], account: everything }))).toEqual(expect.arrayContaining([`  secrets of ${thumbnailer.name} (workers/thumbnailer/wrangler.toml): none needed`, '  migrations: none pending']))
    expect(formatPlan(buildDeployPlan({ ...base, account: everything, pendingMigrations: null }))).toContain('  migrations: unknown (no database)')
  })

  it('refuses on failed checks (a pending migration is not one), missing secrets with their put lines, and no DATABASE_URL', () => {
    const account = { ...everything, secrets: new Map([[thumbnailer.name, new Set<string>()], [web.name, new Set(web.secrets.slice(1))]]) }
    const plan = buildDeployPlan({ ...base, account })
    const checks = [
      { check: 'migrations', status: 'fail' as const, detail: '1 pending' },
      { check: 'variables', status: 'fail' as const, detail: 'APP_URL missing' },
      { check: 'wrangler', status: 'pass' as const, detail: 'ok' },
    ]
    const refusals = findRefusals(plan, checks, undefined)
    expect(refusals.map((r) => [r.message, r.exitCode])).toEqual([
      ['1 check failed (listed above).', 1],
      [`2 secrets are not set in Cloudflare: DATABASE_URL of ${thumbnailer.name}, ${web.secrets[0]} of ${web.name}.`, 3],
      ['DATABASE_URL is not exported: deploy applies the migrations from this machine.', 3],
    ])
    expect(refusals[1]!.fix.split('\n')).toEqual([
      'Set each one (wrangler asks for the value; CI: pipe it in):',
      `    ${thumbnailer.name} (workers/thumbnailer/wrangler.toml):`,
      '      npx wrangler secret put DATABASE_URL -c workers/thumbnailer/wrangler.toml',
      `    ${web.name} (wrangler.toml):`,
      `      npx wrangler secret put ${web.secrets[0]}`,
    ])
    const twoFailed = findRefusals(plan, [checks[1]!, { ...checks[1]!, check: 'bindings' }], 'postgresql://db')
    expect(twoFailed[0]!.message).toBe('2 checks failed (listed above).')
    const oneSecret = buildDeployPlan({ ...base, account: { ...everything, secrets: new Map([[thumbnailer.name, new Set<string>()], [web.name, new Set(web.secrets)]]) } })
    expect(findRefusals(oneSecret, [], 'postgresql://db').map((r) => r.message)).toEqual([`1 secret is not set in Cloudflare: DATABASE_URL of ${thumbnailer.name}.`])
    expect(findRefusals(buildDeployPlan({ ...base, account: everything }), checks.slice(0, 1), 'postgresql://db')).toEqual([])
  })
})

describe('running the steps', () => {
  const step = (stage: string, label: string, run: () => Promise<void> = async () => {}): DeployStep => ({ stage, label, run, exitCode: EXIT.service })

  it('prints each stage once and each step done; a failure reports what was and was not done and stops', async () => {
    const out: string[] = []
    const errors: string[] = []
    const ran: string[] = []
    const steps = [
      step('1/2 resources', 'create queue a', async () => { ran.push('a') }),
      step('1/2 resources', 'create bucket b', async () => { throw new CliError('bucket taken', 'pick another name', EXIT.service) }),
      step('2/2 deploy', 'deploy web', async () => { ran.push('web') }),
    ]
    const err = await runDeploySteps(steps, (l) => out.push(l), (l) => errors.push(l)).catch((e: unknown) => e)
    expect(ran).toEqual(['a'])
    expect(out).toEqual(['1/2 resources', '  → create queue a', '  ✔ create queue a', '  → create bucket b'])
    expect(errors).toEqual(['✖ create bucket b failed: bucket taken', '  fix: pick another name', '  done:     create queue a', '  not done: create bucket b; deploy web'])
    expect(err).toBeInstanceOf(CliError)
    expect((err as CliError).message).toBe('Deploy stopped at "create bucket b".')
    expect((err as CliError).exitCode).toBe(EXIT.service)
  })

  it('a first step failing with a plain error reports nothing done, with that step\'s exit code', async () => {
    const errors: string[] = []
    const first = { ...step('1/1 database', 'apply migrations', async () => { throw new Error('connection refused') }), exitCode: EXIT.database }
    await expect(runDeploySteps([first], () => {}, (l) => errors.push(l))).rejects.toMatchObject({ exitCode: EXIT.database })
    expect(errors).toEqual(['✖ apply migrations failed: connection refused', '  done:     nothing', '  not done: apply migrations'])
  })

  it('a bug (exit 70) goes up as it is, without the step report', async () => {
    const errors: string[] = []
    const bug = new CliError('unexpected', 'report it', EXIT.internal)
    await expect(runDeploySteps([step('s', 'x', async () => { throw bug })], () => {}, (l) => errors.push(l))).rejects.toBe(bug)
    expect(errors).toEqual([])
  })
})

describe('what a project ships', () => {
  it('a companion without known secrets needs none; a config without a name is refused (exit 3)', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-deploy-targets-'))
    fs.mkdirSync(path.join(root, 'workers', 'reports'), { recursive: true })
    fs.writeFileSync(path.join(root, 'workers', 'reports', 'wrangler.toml'), 'name = "acme-reports"\n[[queues.consumers]]\nqueue = "acme-reports"\n')
    fs.writeFileSync(path.join(root, 'wrangler.toml'), '[vars]\nAPP_URL = "https://acme.example"\n')
    expect(() => readWorkerTargets(root, false)).toThrow(expect.objectContaining({ message: 'wrangler.toml has no name.', exitCode: EXIT.config }))
    fs.writeFileSync(path.join(root, 'wrangler.toml'), 'name = "acme"\n[vars]\nAPP_URL = "https://acme.example"\n[[r2_buckets]]\nbinding = "FILES"\n')
    const targets = readWorkerTargets(root, false)
    expect(targets.map((t) => [t.name, t.configPath, t.secrets.includes('DATABASE_URL')])).toEqual([['acme-reports', 'workers/reports/wrangler.toml', false], ['acme', 'wrangler.toml', true]])
    expect(targets[1]!.secrets).not.toContain('APP_URL')
    // A consumer without a dead-letter queue, and a bucket binding without a name, add nothing more.
    expect(deriveResources(targets)).toEqual({ queues: [{ name: 'acme-reports', deadLetter: false }], buckets: [] })
  })
})
