import { describe, expect, it, vi } from 'vitest'
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import worker from '../../src/index'
import { request } from '../helpers/http'
import { version } from '../../package.json'
import { countDatabaseRoundTrips } from '../helpers/round-trips'

describe('GET /health', () => {
  it('200 JSON with the database round-trip and the app version', async () => {
    const res = await request('/health')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/application\/json/)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = await res.json() as { status: string; version: string; database: { status: string; latencyMs: number } }
    expect(body.status).toBe('ok')
    expect(body.version).toBe(version)
    expect(body.database.status).toBe('ok')
    expect(Number.isInteger(body.database.latencyMs)).toBe(true)
  })

  it('the figure is one real database round trip: /health makes exactly one, a select 1', async () => {
    const counter = countDatabaseRoundTrips()
    try {
      const { status, html } = await counter.page('/health')
      expect(status).toBe(200)
      expect(JSON.parse(html)).toMatchObject({ database: { status: 'ok' } })
      expect(counter.http).toHaveLength(1)
      expect(counter.http[0]).toContain('select 1')
    } finally {
      counter.restore()
    }
  })

  it('503 without a stack trace when the database does not answer', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    // Same driver and bridge, but the bridge's target port has nothing listening.
    const down = { ...env, DATABASE_URL: 'postgresql://postgres:postgres@127.0.0.1:1/quickscale_test' }
    const ctx = createExecutionContext()
    const res = await worker.fetch(new Request('http://localhost/health'), down, ctx)
    await waitOnExecutionContext(ctx)
    expect(res.status).toBe(503)
    const text = await res.text()
    const body = JSON.parse(text) as { status: string; version: string; database: { status: string } }
    expect(body).toMatchObject({ status: 'error', version, database: { status: 'unreachable' } })
    expect(text).not.toMatch(/\bat\s+\S+:\d+|Error:|stack|127\.0\.0\.1|postgres:\/\//)
    expect(logged.mock.calls.flat().join(' ')).toContain('health: database unreachable')
    logged.mockRestore()
  })

  it('pages that do not touch the database still render while it is down', async () => {
    const down = { ...env, DATABASE_URL: 'postgresql://postgres:postgres@127.0.0.1:1/quickscale_test' }
    const ctx = createExecutionContext()
    const res = await worker.fetch(new Request('http://localhost/about'), down, ctx)
    await waitOnExecutionContext(ctx)
    expect(res.status).toBe(200)
  })
})
