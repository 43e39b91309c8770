// After the deploy: does the site answer, and does it reach its database? `GET /health` answers
// `{ status: 'ok', database: { status: 'ok' } }` with 200, or 503 with `database.status: 'unreachable'`
// (src/platform/health.ts). A fresh deploy or a new custom domain can take a few seconds to answer, so
// it asks again until `timeoutMs`.

export interface SmokeDependencies {
  fetch: typeof fetch
  now: () => number
  sleep: (ms: number) => Promise<void>
}

export interface SmokeResult {
  ok: boolean
  /** What was seen last: `200, database ok (12 ms)` or why it failed. */
  detail: string
  attempts: number
}

export function healthUrl(baseUrl: string): string {
  return new URL('/health', baseUrl).href
}

async function probeHealth(url: string, fetchFn: typeof fetch): Promise<{ ok: boolean; detail: string }> {
  let response: Response
  try {
    response = await fetchFn(url, { headers: { accept: 'application/json' }, redirect: 'manual', signal: AbortSignal.timeout(10_000) })
  } catch (err) {
    return { ok: false, detail: `no answer (${err instanceof Error ? err.message : String(err)})` }
  }
  const text = await response.text().catch(() => '')
  let body: { status?: unknown; database?: { status?: unknown; latencyMs?: unknown } } | null = null
  try {
    body = JSON.parse(text)
  } catch {
    body = null
  }
  if (!body || typeof body !== 'object') return { ok: false, detail: `${response.status}, not the app's health answer (${text.slice(0, 80).replace(/\s+/g, ' ') || 'empty body'})` }
  const database = body.database?.status === 'ok' ? `database ok (${body.database.latencyMs} ms)` : `database ${String(body.database?.status ?? 'not reported')}`
  return { ok: response.status === 200 && body.status === 'ok' && body.database?.status === 'ok', detail: `${response.status}, ${database}` }
}

export async function checkDeployedHealth(baseUrl: string, deps: SmokeDependencies, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<SmokeResult> {
  const url = healthUrl(baseUrl)
  const deadline = deps.now() + (options.timeoutMs ?? 60_000)
  for (let attempts = 1; ; attempts++) {
    const probe = await probeHealth(url, deps.fetch)
    if (probe.ok || deps.now() >= deadline) return { ...probe, attempts }
    await deps.sleep(options.intervalMs ?? 3_000)
  }
}
