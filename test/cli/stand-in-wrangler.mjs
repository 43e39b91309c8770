#!/usr/bin/env node
// A stand-in for `wrangler` (QUICKSCALE_WRANGLER=this file) that keeps a fake Cloudflare account in a
// JSON file and answers the commands `quickscale deploy` and `check` use, with output shaped like
// wrangler 4.164's own (read from node_modules/wrangler/wrangler-dist/cli.js):
//   queues list [--page n]   a cli-table3 table (id, name, created_on, modified_on, producers, consumers)
//   queues create <name>     "🌀 Creating queue '<name>'" / "✅ Created queue '<name>'"
//   r2 bucket list           "Listing buckets..." then name:/creation_date: blocks
//   r2 bucket create <name>  "Creating bucket '<name>'..." / "✅ Created bucket '<name>' with default storage class of Standard."
//   secret list [--format json] [-c file]   JSON [{ name, type: "secret_text" }]; unknown Worker: ✘ [ERROR] Worker "<name>" not found.
//   secret put <NAME> [-c file]   value on stdin; creates the Worker as a draft, as wrangler does
//   deploy [-c file] [--dry-run --outdir dir]   refuses a missing queue or bucket like wrangler
//   whoami
// Environment:
//   STAND_IN_WRANGLER_STATE  the account's JSON file (created when absent)
//   STAND_IN_WRANGLER_LOG    JSON lines, one per invocation: { argv, cwd }
//   STAND_IN_WRANGLER_FAIL   a regular expression; an invocation whose arguments (joined by spaces) match
//                            fails as a Cloudflare API error would (exit 1, nothing changed)
//   STAND_IN_WRANGLER_PAGE_SIZE  queues per `queues list` page (default 20)
import fs from 'node:fs'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { parse as parseToml } from 'smol-toml'

const argv = process.argv.slice(2)
const env = process.env
if (env.STAND_IN_WRANGLER_LOG) fs.appendFileSync(env.STAND_IN_WRANGLER_LOG, `${JSON.stringify({ argv, cwd: process.cwd() })}\n`)

const stateFile = env.STAND_IN_WRANGLER_STATE
const state = stateFile && fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {}
state.queues ??= []
state.buckets ??= []
state.secrets ??= {}
state.deployed ??= []
const save = () => stateFile && fs.writeFileSync(stateFile, JSON.stringify(state, null, 2))
const now = () => new Date().toISOString()

function fail(message, code = 1) {
  process.stderr.write(`\n✘ [ERROR] ${message}\n\n`)
  process.exit(code)
}

function option(name) {
  const i = argv.indexOf(name)
  return i >= 0 ? argv[i + 1] : undefined
}

const positional = argv.filter((a, i) => !a.startsWith('-') && !['-c', '--config', '--page', '--format', '--outdir', '--name', '--env'].includes(argv[i - 1]))

if (env.STAND_IN_WRANGLER_FAIL && new RegExp(env.STAND_IN_WRANGLER_FAIL).test(argv.join(' '))) {
  fail('A request to the Cloudflare API (/accounts/stand-in/…) failed.\n  Internal error [code: 10001]')
}

function readConfig() {
  const file = path.resolve(option('-c') ?? option('--config') ?? 'wrangler.toml')
  if (!fs.existsSync(file)) fail(`Could not find a wrangler config file at ${file}.`)
  return parseToml(fs.readFileSync(file, 'utf8'))
}

function table(rows) {
  if (rows.length === 0) return '┌┐\n└┘'
  const head = Object.keys(rows[0])
  const widths = head.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h]).length)) + 2)
  const line = (l, m, r) => l + widths.map((w) => '─'.repeat(w)).join(m) + r
  const row = (cells) => '│' + cells.map((c, i) => ` ${String(c).padEnd(widths[i] - 2)} `).join('│') + '│'
  return [line('┌', '┬', '┐'), row(head), line('├', '┼', '┤'), ...rows.map((r) => row(head.map((h) => r[h]))), line('└', '┴', '┘')].join('\n')
}

const [a, b] = positional
if (a === 'whoami') {
  console.log('You are logged in with an API Token (stand-in).')
} else if (a === 'queues' && b === 'list') {
  const size = Number(env.STAND_IN_WRANGLER_PAGE_SIZE ?? 20)
  const page = Number(option('--page') ?? 1)
  const rows = state.queues.slice((page - 1) * size, page * size).map((q) => ({ id: q.id, name: q.name, created_on: q.created, modified_on: q.created, producers: '0', consumers: '0' }))
  console.log(table(rows))
} else if (a === 'queues' && b === 'create') {
  const name = positional[2]
  console.log(`🌀 Creating queue '${name}'`)
  if (state.queues.some((q) => q.name === name)) fail(`A request to the Cloudflare API (/accounts/stand-in/queues) failed.\n  Queue name already taken [code: 11009]`)
  state.queues.push({ id: randomUUID().replace(/-/g, ''), name, created: now() })
  save()
  console.log(`✅ Created queue '${name}'\n\nConfigure your Worker to send messages to this queue:\n\n[[queues.producers]]\nqueue = "${name}"\nbinding = "QUEUE"`)
} else if (a === 'r2' && b === 'bucket' && positional[2] === 'list') {
  console.log('Listing buckets...')
  console.log(state.buckets.map((x) => `name:           ${x.name}\ncreation_date:  ${x.created}`).join('\n\n'))
} else if (a === 'r2' && b === 'bucket' && positional[2] === 'create') {
  const name = positional[3]
  console.log(`Creating bucket '${name}'...`)
  if (state.buckets.some((x) => x.name === name)) fail(`A request to the Cloudflare API (/accounts/stand-in/r2/buckets) failed.\n  The bucket you tried to create already exists, and you own it. [code: 10004]`)
  state.buckets.push({ name, created: now() })
  save()
  console.log(`✅ Created bucket '${name}' with default storage class of Standard.`)
} else if (a === 'secret' && b === 'list') {
  const name = option('--name') ?? readConfig().name
  const secrets = state.secrets[name]
  if (!secrets) fail(`Worker "${name}" not found.\n\nIf this is a new Worker, run \`wrangler deploy\` first to create it.\nOtherwise, check that the Worker name is correct and you're logged into the right account.`)
  console.log(JSON.stringify(secrets.map((s) => ({ name: s, type: 'secret_text' })), null, '  '))
} else if (a === 'secret' && b === 'put') {
  const name = option('--name') ?? readConfig().name
  const key = positional[2]
  if (!state.secrets[name]) console.log(`🌀 Creating new Worker "${name}"...`)
  state.secrets[name] = [...new Set([...(state.secrets[name] ?? []), key])]
  save()
  console.log(`✨ Success! Uploaded secret ${key}`)
} else if (a === 'deploy') {
  const config = readConfig()
  if (argv.includes('--dry-run')) {
    const outdir = option('--outdir')
    if (outdir) {
      fs.mkdirSync(outdir, { recursive: true })
      fs.writeFileSync(path.join(outdir, 'index.js'), 'export default { fetch() { return new Response("stand-in") } }\n')
    }
    console.log('Total Upload: 0.07 KiB / gzip: 0.08 KiB\n--dry-run: exiting now.')
    process.exit(0)
  }
  const queues = config.queues ?? {}
  const named = [...(queues.producers ?? []).map((p) => p.queue), ...(queues.consumers ?? []).flatMap((c) => [c.queue, c.dead_letter_queue].filter(Boolean))]
  for (const q of named) if (!state.queues.some((x) => x.name === q)) fail(`Queue "${q}" does not exist. To create it, run: wrangler queues create ${q}`)
  for (const r of config.r2_buckets ?? []) {
    if (!state.buckets.some((x) => x.name === r.bucket_name)) fail(`A request to the Cloudflare API (/accounts/stand-in/workers/scripts/${config.name}/versions) failed.\n  R2 bucket '${r.bucket_name}' not found. Please use a different name and try again. [code: 10085]`)
  }
  state.secrets[config.name] ??= []
  state.deployed.push({ name: config.name, at: now() })
  save()
  console.log(`Total Upload: 512.00 KiB / gzip: 128.00 KiB\nUploaded ${config.name} (1.00 sec)\nDeployed ${config.name} triggers (0.50 sec)\n  https://${config.name}.stand-in.workers.dev`)
  for (const p of queues.producers ?? []) console.log(`  Producer for ${p.queue}`)
  for (const c of queues.consumers ?? []) console.log(`  Consumer for ${c.queue}`)
  console.log(`Current Version ID: ${randomUUID()}`)
} else {
  fail(`Unknown arguments: ${argv.join(' ')} (the stand-in wrangler answers queues, r2 bucket, secret, deploy, whoami)`)
}
