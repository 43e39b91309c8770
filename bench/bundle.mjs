// The product as `wrangler deploy` would upload it, for measurements that serve it with `wrangler dev`
// (`npm run bench`, `npm run lighthouse`).
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { execFileSync } from 'node:child_process'

// The deployable bundle: measured for size, and served as-is (no_bundle) so that the bench runs exactly
// what `wrangler deploy` would upload — and so that wrangler dev's file watcher cannot rebuild the
// product mid-run when a file in the checkout changes. Also used by `npm run lighthouse`.
/** Builds `configPath` into `outdir` with its own no_bundle wrangler.toml next to the output. */
export function buildBundle(configPath, outdir, env = process.env) {
  const out = execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '-c', configPath, '--outdir', outdir], { env: { ...env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] }).toString()
  const wranglerSays = /Total Upload:\s*([^\n]+)/.exec(out)?.[1]?.trim() ?? 'n/a'
  const files = fs.readdirSync(outdir, { recursive: true })
    .map((f) => path.join(outdir, String(f)))
    .filter((f) => fs.statSync(f).isFile() && !f.endsWith('.map') && !f.endsWith('README.md'))
  let raw = 0
  let gzip = 0
  for (const file of files) {
    const bytes = fs.readFileSync(file)
    raw += bytes.length
    gzip += zlib.gzipSync(bytes, { level: 9 }).length
  }
  const source = fs.readFileSync(configPath, 'utf8')
  // The bundle is the entry's name with .js (index.js for the product, hello-worker.js for a bench worker);
  // the other .js are the separately uploaded modules under lazy/ (ADR 0104), which the config's
  // find_additional_modules and rules upload again from here.
  const entry = path.basename(/^main\s*=\s*"([^"]+)"/m.exec(source)?.[1] ?? 'index.js').replace(/\.[cm]?[jt]sx?$/, '.js')
  const config = source
    .replace(/^main\s*=.*$/m, `main = ${JSON.stringify(entry)}\nno_bundle = true`)
    .replace(/^(directory\s*=\s*)"([^"]+)"/m, (_m, key, dir) => `${key}${JSON.stringify(path.resolve(path.dirname(configPath), dir))}`)
    // Aliases only matter while bundling.
    .replace(/^\[alias\]\n(?:[^[\n].*\n?)*/m, '')
  fs.writeFileSync(path.join(outdir, 'wrangler.toml'), config)
  return { outdir, files: files.map((f) => path.relative(outdir, f)), raw, gzip, wranglerSays }
}
