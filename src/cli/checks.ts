import fs from 'node:fs'
import path from 'node:path'
import { readWranglerConfig, type Environment, type WranglerConfig } from './project'

// Workers of their own in this repo (workers/<name>/wrangler.toml, e.g. the thumbnailer): they consume
// queues the main Worker produces.
function companionConsumers(root: string): string[] {
  const dir = path.join(root, 'workers')
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir).filter((name) => fs.existsSync(path.join(dir, name, 'wrangler.toml'))).flatMap((name) => {
    const config = readWranglerConfig(path.join(dir, name))
    return (((config.queues ?? {}) as { consumers?: Array<Record<string, string>> }).consumers ?? []).map((c) => c.queue)
  })
}

/** One line of `quickscale check`: what was looked at, what was found, and how to fix a failure. */
export interface CheckResult {
  check: string
  status: 'pass' | 'fail' | 'skip'
  detail: string
  fix?: string
}

const pass = (check: string, detail: string): CheckResult => ({ check, status: 'pass', detail })
const fail = (check: string, detail: string, fix: string): CheckResult => ({ check, status: 'fail', detail, fix })

// Values the starter ships with, which must never reach production.
const PLACEHOLDER = /example\.(com|org|net)|placeholder|changeme|change-me|todo|xxx|your[-_]|<[^>]*>|^$/i

export function checkNodeVersion(version = process.versions.node): CheckResult {
  const [major, minor] = version.split('.').map(Number)
  // wrangler's own floor (engines.node in package.json, ADR 0082).
  return major > 22 || (major === 22 && minor >= 12)
    ? pass('node', `Node.js ${version}`)
    : fail('node', `Node.js ${version} is too old: the toolchain needs Node 22.12 or later, 24 LTS recommended (ADR 0082).`, 'Run `. scripts/use-node.sh` in this shell (installs Node 24 into .tools/node/, no global install), or install Node 24 LTS, then `npm install` again.')
}

/** wrangler.toml: the Worker's entry, and every binding complete; no placeholder ids or names in production. */
export function checkBindings(root: string, config: WranglerConfig, environment: Environment): CheckResult[] {
  const out: CheckResult[] = []
  const where = 'wrangler.toml'
  const main = typeof config.main === 'string' ? config.main : ''
  if (!main || !fs.existsSync(path.join(root, main))) out.push(fail('bindings', `${where}: main = "${main}" does not exist.`, `Set main in ${where} to the Worker entry (src/index.tsx).`))
  if (environment === 'production' && (!config.name || PLACEHOLDER.test(String(config.name)))) {
    out.push(fail('bindings', `${where}: name = "${config.name ?? ''}" is not a real Worker name.`, `Set name in ${where} (\`npx quickscale init <dir> --name <name>\` does it for a new project).`))
  }
  const queues = (config.queues ?? {}) as { producers?: Array<Record<string, string>>; consumers?: Array<Record<string, string>> }
  for (const p of queues.producers ?? []) {
    if (!p.binding || !p.queue) out.push(fail('bindings', `${where}: a [[queues.producers]] entry lacks binding or queue.`, 'Give every [[queues.producers]] a binding and a queue name.'))
  }
  // An entry without a queue is reported above, not again as an unconsumed queue called "undefined".
  const produced = new Set((queues.producers ?? []).map((p) => p.queue).filter((q) => q))
  const consumed = new Set([...(queues.consumers ?? []).map((c) => c.queue), ...companionConsumers(root)])
  for (const queue of produced) {
    if (!consumed.has(queue)) out.push(fail('bindings', `${where}: queue "${queue}" is produced but nothing consumes it.`, `Add a [[queues.consumers]] entry for "${queue}".`))
  }
  const objects = ((config.durable_objects as { bindings?: Array<Record<string, string>> } | undefined)?.bindings ?? [])
  const migrated = new Set(((config.migrations ?? []) as Array<Record<string, string[]>>).flatMap((m) => [...(m.new_sqlite_classes ?? []), ...(m.new_classes ?? [])]))
  for (const o of objects) {
    if (!o.name || !o.class_name) out.push(fail('bindings', `${where}: a [[durable_objects.bindings]] entry lacks name or class_name.`, 'Give every Durable Object binding a name and a class_name.'))
    else if (!o.script_name && !migrated.has(o.class_name)) out.push(fail('bindings', `${where}: Durable Object ${o.class_name} has no [[migrations]] entry.`, `Add a [[migrations]] entry with new_sqlite_classes = ["${o.class_name}"].`))
  }
  const named: Array<[string, string, string]> = [
    ...((config.r2_buckets ?? []) as Array<Record<string, string>>).map((b): [string, string, string] => ['r2_buckets', b.binding ?? '?', b.bucket_name ?? '']),
    ...((config.kv_namespaces ?? []) as Array<Record<string, string>>).map((k): [string, string, string] => ['kv_namespaces', k.binding ?? '?', k.id ?? '']),
  ]
  for (const [section, binding, value] of named) {
    if (!value) out.push(fail('bindings', `${where}: [[${section}]] ${binding} has no ${section === 'r2_buckets' ? 'bucket_name' : 'id'}.`, `Set it in ${where}.`))
    else if (environment === 'production' && PLACEHOLDER.test(value)) out.push(fail('bindings', `${where}: [[${section}]] ${binding} = "${value}" is a placeholder.`, `Create the resource (\`npx wrangler ${section === 'r2_buckets' ? 'r2 bucket create' : 'kv namespace create'} …\`) and put its real name or id in ${where}.`))
  }
  const count = (queues.producers?.length ?? 0) + (queues.consumers?.length ?? 0) + objects.length + named.length
  if (out.length === 0) out.push(pass('bindings', `${where}: ${count} bindings complete${environment === 'production' ? ', no placeholders' : ''}`))
  return out
}

interface VariableRule {
  name: string
  required: boolean
  validate?: (value: string) => string | null
  fix: string
}

const isEmail = (v: string) => /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(v)

/** The variables and secrets the Worker reads, per environment (src/platform/env.ts, billing, email). */
export type StripeMode = 'test' | 'live'

/**
 * `stripeMode` is the Stripe key mode the target needs: test in development, live in production, and
 * test for a production-like staging deploy (`check --env staging`, `deploy --env staging`).
 */
export function variableRules(environment: Environment, billingInstalled: boolean, secretsFile: string, stripeMode: StripeMode = environment === 'production' ? 'live' : 'test', options: { migrationsOnlyDatabaseUrl?: boolean } = {}): VariableRule[] {
  const prod = environment === 'production'
  const put = (name: string, example: string) => (prod ? `Run \`npx wrangler secret put ${name}\` and export ${name} for this check.` : `Add ${name}=${example} to ${secretsFile}.`)
  const rules: VariableRule[] = [
    {
      name: 'ENVIRONMENT', required: true, fix: prod ? 'Set ENVIRONMENT = "production" in wrangler.toml [vars].' : `Add ENVIRONMENT=development to ${secretsFile}.`,
      validate: (v) => (v === environment ? null : `is "${v}", expected "${environment}"`),
    },
    {
      name: 'APP_URL', required: true, fix: prod ? 'Set APP_URL in wrangler.toml [vars] to the https:// address the site answers at: your custom domain, or https://<worker name>.<your subdomain>.workers.dev (docs/deploy.md).' : `Add APP_URL=http://127.0.0.1:8787 to ${secretsFile}.`,
      validate: (v) => {
        if (!/^https?:\/\/[^\s/]+/.test(v)) return 'is not a URL'
        if (prod && !v.startsWith('https://')) return 'must be https:// in production'
        if (prod && /example\.com|localhost|127\.0\.0\.1/.test(v)) return `is a placeholder ("${v}")`
        return null
      },
    },
    {
      name: 'DATABASE_URL', required: true, fix: prod ? put('DATABASE_URL', '') : `Run \`npm run db:start\` (it writes DATABASE_URL to ${secretsFile}).`,
      validate: (v) => {
        if (!/^postgres(ql)?:\/\//.test(v)) return 'is not a postgres:// connection string'
        // deploy migrates through the exported URL while the Workers use their own secret: a tunnel to
        // the production database on 127.0.0.1 is fine there (the plan shows where migrations go).
        if (prod && !options.migrationsOnlyDatabaseUrl && /@(127\.0\.0\.1|localhost)[:/]/.test(v)) return 'points at this machine, not your production database'
        return null
      },
    },
    {
      name: 'ADMIN_EMAIL', required: true, fix: 'Set ADMIN_EMAIL in wrangler.toml [vars] to the address that receives contact messages.',
      validate: (v) => (!isEmail(v) ? 'is not an email address' : prod && /@example\.com$/.test(v) ? `is a placeholder ("${v}")` : null),
    },
    {
      name: 'EMAIL_FROM', required: true, fix: 'Set EMAIL_FROM in wrangler.toml [vars], like "Your App <noreply@yourdomain.com>" (a domain verified in Resend).',
      validate: (v) => {
        const address = /<([^>]+)>\s*$/.exec(v)?.[1] ?? v
        if (!isEmail(address)) return 'has no valid sender address'
        if (prod && /@example\.com$/.test(address)) return `is a placeholder ("${v}")`
        return null
      },
    },
    {
      // Empty in development means "mail goes to the local outbox" (docs/email.md).
      name: 'RESEND_API_KEY', required: prod, fix: put('RESEND_API_KEY', 're_…'),
      validate: (v) => (/^re_[A-Za-z0-9_]{8,}$/.test(v) ? null : 'does not look like a Resend API key (re_…)'),
    },
    {
      name: 'APP_NAME', required: true, fix: 'Set APP_NAME in wrangler.toml [vars] (the name shown in pages and mail).',
      validate: (v) => (v.trim() === '' ? 'is empty' : null),
    },
    {
      // Tests and the browser run point the breach check at a local fake; production asks HIBP itself.
      name: 'HIBP_API_BASE', required: false, fix: 'Remove HIBP_API_BASE from the production variables (the default is https://api.pwnedpasswords.com).',
      validate: (v) => (prod && v !== 'https://api.pwnedpasswords.com' ? `points at ${v}, not the breach-check service` : null),
    },
    {
      name: 'NEON_WS_PROXY', required: false, fix: 'Remove NEON_WS_PROXY from the production variables: it is the local bridge only.',
      validate: (v) => (prod && v ? 'is set: production must talk to Neon directly' : null),
    },
    {
      // The local OAuth stand-in (docs/oauth-standin.md): the app ignores it in production, but it says the
      // provider keys beside it are the stand-in's, not a real GitHub or Google app's.
      name: 'OAUTH_STANDIN_URL', required: false, fix: 'Remove OAUTH_STANDIN_URL from the production variables and set real GitHub/Google keys.',
      validate: (v) => (prod && v ? 'is set: production signs in with the real GitHub and Google' : null),
    },
  ]
  // Stripe keys are checked whenever present (a live key in development is wrong with or without billing);
  // production requires them only once the billing feature is installed.
  {
    const mode = stripeMode
    const target = prod && mode === 'test' ? 'staging' : environment
    rules.push(
      {
        name: 'STRIPE_SECRET_KEY', required: prod && billingInstalled, fix: prod ? put('STRIPE_SECRET_KEY', '') : `Add STRIPE_SECRET_KEY=sk_test_… (Stripe dashboard → Developers → API keys, test mode) to ${secretsFile}.`,
        validate: (v) => {
          const m = /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/.exec(v)
          if (!m) return 'does not look like a Stripe secret key (sk_test_… or sk_live_…)'
          if (m[2] !== mode) return `is a ${m[2]} key in ${target}: use a ${mode} key (sk_${mode}_…)${target === 'production' ? ', or deploy a staging site with --env staging' : ''}`
          return null
        },
      },
      {
        name: 'STRIPE_WEBHOOK_SECRET', required: prod && billingInstalled, fix: prod ? put('STRIPE_WEBHOOK_SECRET', '') : `Add STRIPE_WEBHOOK_SECRET=whsec_… to ${secretsFile} (\`stripe listen\` prints one).`,
        validate: (v) => (/^whsec_[A-Za-z0-9_]+$/.test(v) ? null : 'does not look like a Stripe webhook signing secret (whsec_…)'),
      },
      {
        // The local Stripe stand-in's address (`npm run dev` without keys); production talks to Stripe itself.
        name: 'STRIPE_API_BASE', required: false, fix: 'Remove STRIPE_API_BASE from the production variables.',
        validate: (v) => (prod && v ? 'is set: production must talk to api.stripe.com' : null),
      },
    )
  }
  return rules
}

/**
 * `setInCloudflare`: secrets `wrangler secret list` reports for the Worker (deploy). Cloudflare never
 * returns their values, so one that is set there but not exported counts as present, unchecked.
 */
export function checkVariables(values: Record<string, string>, rules: VariableRule[], setInCloudflare: ReadonlySet<string> = new Set()): CheckResult[] {
  const out: CheckResult[] = []
  const present = (name: string) => values[name] !== undefined && values[name] !== ''
  for (const rule of rules) {
    const value = values[rule.name]
    if (!present(rule.name)) {
      if (rule.required && !setInCloudflare.has(rule.name)) out.push(fail('variables', `${rule.name} is missing.`, rule.fix))
      continue
    }
    const problem = rule.validate?.(value!)
    if (problem) out.push(fail('variables', `${rule.name} ${problem}.`, rule.fix))
  }
  // A Stripe key without its webhook secret half-configures billing: checkout works, plan changes never land.
  if (present('STRIPE_SECRET_KEY') && !present('STRIPE_WEBHOOK_SECRET') && !setInCloudflare.has('STRIPE_WEBHOOK_SECRET') && !out.some((r) => r.detail.startsWith('STRIPE_WEBHOOK_SECRET'))) {
    const rule = rules.find((r) => r.name === 'STRIPE_WEBHOOK_SECRET')
    if (rule) out.push(fail('variables', 'STRIPE_WEBHOOK_SECRET is missing (STRIPE_SECRET_KEY is set).', rule.fix))
  }
  if (out.length === 0) {
    const set = rules.filter((r) => present(r.name)).map((r) => r.name)
    const remote = rules.filter((r) => !present(r.name) && setInCloudflare.has(r.name)).map((r) => r.name)
    out.push(pass('variables', `${set.length} variables well-formed (${set.join(', ')})${remote.length > 0 ? `; set in Cloudflare, not exported: ${remote.join(', ')}` : ''}`))
  }
  return out
}
