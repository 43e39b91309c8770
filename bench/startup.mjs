// Startup CPU for `npm run bench` (issue 23): `wrangler check startup` runs a Worker's top-level code once
// in a local workerd and writes a CPU profile of it. The busy time is every sampled interval that is not
// "(idle)" (the figure wrangler prints as "Active", garbage collection included). Each bundle is measured
// `runs` times, alternating with the others so that all see the same background load; median and range.
import fs from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'

/** Busy (non-idle) CPU milliseconds of a .cpuprofile, and the three heaviest self-time entries. */
export function busyMs(profile) {
  const names = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]))
  let busy = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i + 1] ?? 0
    if (names.get(profile.samples[i]) !== '(idle)') busy += delta
  }
  return busy / 1000
}

/** `wrangler deploy --dry-run --outfile` (the upload as wrangler would send it), for `check startup --worker`. */
export function buildUpload(configPath, outfile, env) {
  execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '-c', configPath, '--outfile', outfile], { env, stdio: 'ignore' })
  return outfile
}

function profileOnce(upload, dir, env) {
  const outfile = path.join(dir, `${path.basename(upload)}.cpuprofile`)
  execFileSync('npx', ['wrangler', 'check', 'startup', '--worker', upload, '--outfile', outfile], { env, stdio: 'ignore' })
  return busyMs(JSON.parse(fs.readFileSync(outfile, 'utf8')))
}

/** { label: { median, min, max, runs[] } } for each of `targets` ([{ label, configPath }]). */
export function measureStartup(targets, dir, env, runs = 5) {
  const uploads = targets.map((t) => buildUpload(t.configPath, path.join(dir, `${t.label.replace(/\W+/g, '-')}.upload`), env))
  const times = targets.map(() => [])
  for (let i = 0; i < runs; i++) targets.forEach((_t, j) => times[j].push(profileOnce(uploads[j], dir, env)))
  return Object.fromEntries(targets.map((t, j) => {
    const sorted = [...times[j]].sort((a, b) => a - b)
    return [t.label, { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted.at(-1), runs: times[j] }]
  }))
}

// `node bench/startup.mjs [runs]`: the startup table alone (the product and the bare hello), about 10 s a run.
if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'qs-startup-'))
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', NO_COLOR: '1' }
  try {
    const result = measureStartup([{ label: 'product', configPath: 'wrangler.toml' }, { label: 'hello', configPath: 'bench/wrangler.hello.toml' }], dir, env, Number(process.argv[2] ?? 5))
    printStartup(result)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

export function printStartup(result) {
  console.log('startup CPU (wrangler check startup, busy ms: median [min–max] of the runs, alternating)')
  for (const [label, r] of Object.entries(result)) console.log(`  ${label.padEnd(12)}${r.median.toFixed(1).padStart(7)} ms  [${r.min.toFixed(1)}–${r.max.toFixed(1)}]  runs: ${r.runs.map((t) => t.toFixed(0)).join(' / ')}`)
  const [product, hello] = Object.values(result)
  if (product && hello) console.log(`  product − hello: ${(product.median - hello.median).toFixed(1)} ms (medians)`)
}
