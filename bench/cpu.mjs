// Where the CPU goes during a bench round (Linux /proc; elsewhere an empty table): user + system time of
// process groups, read before and after, divided by the requests served. On two shared cores a target's
// throughput is its CPU per request, so this says which process a page's time is spent in.
import fs from 'node:fs'

const TICKS_PER_SECOND = 100

function readStat(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command may contain spaces and parentheses: fields start after the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ')
    return { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]), comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')) }
  } catch {
    return null
  }
}

function allProcesses() {
  if (!fs.existsSync('/proc/self/stat')) return []
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => ({ pid: Number(d), ...readStat(d) })).filter((p) => p.ppid !== undefined)
}

function descendantsOf(rootPids, processes) {
  const out = new Set(rootPids)
  let grew = true
  while (grew) {
    grew = false
    for (const p of processes) if (!out.has(p.pid) && out.has(p.ppid)) { out.add(p.pid); grew = true }
  }
  return out
}

/**
 * A snapshot of CPU ticks per group: `groups` maps a name to root pids (their descendants count too);
 * `self` is this process alone (the bench, with the local database's SQL endpoint and ws bridge).
 */
export function cpuSnapshot(groups) {
  const processes = allProcesses()
  const byPid = new Map(processes.map((p) => [p.pid, p]))
  const snapshot = { self: readStat(process.pid)?.ticks ?? 0 }
  const claimed = new Set([process.pid])
  for (const [name, roots] of Object.entries(groups)) {
    for (const pid of descendantsOf(roots.filter(Boolean), processes)) {
      if (claimed.has(pid)) continue
      claimed.add(pid)
      const p = byPid.get(pid)
      if (!p) continue
      // Per program within the group: wrangler's Node process and workerd are told apart.
      const key = name === 'load' ? name : `${name}: ${p.comm === 'workerd' ? 'workerd' : p.comm === 'node' ? 'node' : 'other'}`
      snapshot[key] = (snapshot[key] ?? 0) + p.ticks
    }
  }
  // Postgres runs as its own user under the bench; whatever is left under the bench besides the groups.
  snapshot.postgres = processes.filter((p) => p.comm === 'postgres' && !claimed.has(p.pid)).reduce((n, p) => n + p.ticks, 0)
  return snapshot
}

/** CPU milliseconds per request for each group between two snapshots. */
export function cpuPerRequest(before, after, requests) {
  const out = {}
  for (const key of Object.keys(after)) out[key] = requests > 0 ? (((after[key] ?? 0) - (before[key] ?? 0)) * 1000) / TICKS_PER_SECOND / requests : 0
  return out
}
