import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'

/**
 * A Postgres that a test can stop and start again without touching the one every test file shares: a TCP
 * relay on its own port in front of the run's database. A Worker whose DATABASE_URL names the relay's port
 * reaches Postgres through it — over the same local SQL endpoint and ws bridge as every other query, so
 * the driver, the endpoint's pool and the app's error handling are the real ones.
 *
 * POST /stop does what stopping Postgres does to its clients: the listening port closes (new connections
 * are refused) and every open connection is cut, including the SQL endpoint's pooled ones. POST /start
 * listens on the same port again. Tests reach the control port with fetch (a loopback host).
 */
export interface DatabaseOutage {
  /** DATABASE_URL with the relay's port in place of the database's. */
  databaseUrl: string
  /** http://127.0.0.1:<port> — POST /stop, POST /start. */
  control: string
  close: () => Promise<void>
}

function listen(server: net.Server | http.Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

export async function startDatabaseOutage(databaseUrl: string): Promise<DatabaseOutage> {
  const target = new URL(databaseUrl)
  const open = new Set<net.Socket>()
  const relay = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname)
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      open.add(a)
      a.on('error', () => b.destroy())
      a.on('close', () => { open.delete(a); b.destroy() })
      a.pipe(b)
    }
  })
  const relayPort = await listen(relay)
  let stopped = false

  const control = http.createServer((req, res) => {
    void (async () => {
      if (req.method === 'POST' && req.url === '/stop' && !stopped) {
        stopped = true
        await new Promise<void>((resolve) => {
          relay.close(() => resolve())
          for (const socket of open) socket.destroy()
        })
      } else if (req.method === 'POST' && req.url === '/start' && stopped) {
        await listen(relay, relayPort)
        stopped = false
      }
      res.writeHead(204).end()
    })().catch((err: Error) => res.writeHead(500).end(err.message))
  })
  const controlPort = await listen(control)

  const relayed = new URL(databaseUrl)
  relayed.port = String(relayPort)
  return {
    databaseUrl: relayed.toString(),
    control: `http://127.0.0.1:${controlPort}`,
    close: async () => {
      for (const socket of open) socket.destroy()
      await Promise.all([relay, control].map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))))
    },
  }
}
