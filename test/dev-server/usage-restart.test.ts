import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn, type ChildProcess } from 'node:child_process'
import { afterAll, expect, inject, it } from 'vitest'
import { waitForHealth } from '../e2e/wait-for-health'
// @ts-expect-error plain .mjs helper shared with the bench
import { createBenchApiKey } from '../../bench/metered.mjs'
// @ts-expect-error plain .mjs helpers shared with `npm run dev`
import { freePort } from '../../scripts/local-db.mjs'

// "Restarting wrangler dev loses no count" (issue 11): a wrangler dev of its own on a database of its own
// (test/setup/global-setup.ts), stopped and started again on the same --persist-to folder, as a developer's
// Ctrl-C and `npm run dev` do. No browser: it runs beside the workerd tests, not in the Chromium phase
// (issue 21: test time; alone it cost 18.3 busy CPU-s against 13.0 for a one-page browser file).
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qs-usage-restart-'))
let child: ChildProcess | null = null

async function startWrangler(port: number): Promise<void> {
  const envFile = path.join(stateDir, 'restart.env')
  fs.writeFileSync(envFile, `ENVIRONMENT=development\nAPP_URL=http://127.0.0.1:${port}\nDATABASE_URL=${inject('databaseUrl')}\nNEON_WS_PROXY=${inject('neonWsProxy')}\nRESEND_API_KEY=\n`)
  let output = ''
  child = spawn('npx', ['wrangler', 'dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort()), '--persist-to', stateDir, '--show-interactive-dev-session=false', '--env-file', envFile],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' } })
  child.stdout?.on('data', (d) => { output += d })
  child.stderr?.on('data', (d) => { output += d })
  const started = child
  await waitForHealth(`http://127.0.0.1:${port}/health`, {
    timeoutMs: 90_000,
    check: () => { if (started.exitCode !== null) throw new Error(`wrangler dev exited:\n${output}`) },
    detail: () => output,
  })
}

async function stopWrangler(): Promise<void> {
  const c = child
  if (!c || c.exitCode !== null) return
  const exited = new Promise((r) => c.once('exit', r))
  try { process.kill(-c.pid!, 'SIGTERM') } catch { /* gone */ }
  await exited
  child = null
}

afterAll(async () => {
  await stopWrangler()
  fs.rmSync(stateDir, { recursive: true, force: true })
})

it('restarting wrangler dev loses no count', async () => {
  const { authorization } = await createBenchApiKey(inject('databaseUrl'), { unlimitedFree: false })
  const used = async (port: number) => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/usage`, { headers: { authorization } })
    expect(res.status).toBe(200)
    return ((await res.json()) as { usage: { api_requests: { used: number } } }).usage.api_requests.used
  }
  const first = await freePort()
  await startWrangler(first)
  for (let i = 1; i <= 5; i++) expect(await used(first)).toBe(i)
  await stopWrangler()

  const second = await freePort()
  await startWrangler(second)
  expect(await used(second)).toBe(6)
}, 240_000)
