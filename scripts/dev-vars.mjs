// Writes the local-database keys into .dev.vars while keeping every other line the developer put
// there (RESEND_API_KEY, STRIPE_SECRET_KEY, ...).
import fs from 'node:fs'

export function writeDevVars(values, file = '.dev.vars') {
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : []
  const managed = new Set(Object.keys(values))
  const kept = existing.filter((line) => {
    const key = line.split('=')[0].trim()
    return line.trim() !== '' && !managed.has(key) && !line.startsWith('# managed by scripts/')
  })
  const lines = [
    ...kept,
    '# managed by scripts/dev-vars.mjs (npm run dev / db:start): edited on every start',
    ...Object.entries(values).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`),
  ]
  fs.writeFileSync(file, lines.join('\n') + '\n')
}

/** The KEY=value lines of .dev.vars (what a developer set), as an object; {} when there is no file. */
export function readDevVars(file = '.dev.vars') {
  if (!fs.existsSync(file)) return {}
  return Object.fromEntries(fs.readFileSync(file, 'utf8').split('\n').filter((l) => /^\w+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]))
}
