import { afterEach, describe, expect, it, vi } from 'vitest'
import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { Hono } from 'hono'
import { sql } from 'drizzle-orm'
import { errorPage } from '../../src/platform/errors'
import { createLogger, type LogLevel } from '../../src/platform/logger'
import { database, requestContext } from '../../src/platform/middleware'
import type { AppEnv } from '../../src/platform/types'

afterEach(() => vi.restoreAllMocks())

function collector() {
  const lines: { level: LogLevel; entry: Record<string, unknown>; raw: string }[] = []
  const log = createLogger({ minLevel: 'debug', write: (level, raw) => lines.push({ level, raw, entry: JSON.parse(raw) }) })
  return { log, lines }
}

describe('the logger', () => {
  it('writes one JSON object per line with level, message and the fields it carries', () => {
    const { log, lines } = collector()
    log.with({ requestId: 'req-1' }).warn('something odd', { userId: 'u1', attempts: 3 })
    expect(lines).toHaveLength(1)
    expect(lines[0]!.entry).toEqual({ level: 'warn', msg: 'something odd', requestId: 'req-1', userId: 'u1', attempts: 3 })
  })

  it('drops lines below its level', () => {
    const lines: string[] = []
    const log = createLogger({ minLevel: 'warn', write: (_l, raw) => lines.push(raw) })
    log.info('chatty')
    log.debug('chattier')
    log.error('kept')
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['kept'])
  })

  it('redacts by design: secret-named fields, email addresses, query strings, cookies', () => {
    const { log, lines } = collector()
    log.info('user ann.lee@example.com asked for /reset-password?token=abcdefgh', {
      password: 'hunter2 hunter2',
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
      token: 'abcdefghijklmnopqrstuvwxyz234567',
      cookie: 'session=abc.def',
      code: '12345678',
      to: 'Bob@Example.org',
      url: 'https://app.example/verify-email?token=zzzz&x=1',
      nested: { apiKey: 're_live_123', note: 'mail carol@example.net' },
    })
    const { raw, entry } = lines[0]!
    for (const secret of ['hunter2', 'argon2id', 'abcdefghijklmnop', 'abc.def', '12345678', 'Bob@', 'ann.lee@', 'zzzz', 'abcdefgh', 're_live_123', 'carol@']) {
      expect(raw, secret).not.toContain(secret)
    }
    expect(entry).toMatchObject({
      msg: 'user a***@example.com asked for /reset-password?…',
      password: '[redacted]', passwordHash: '[redacted]', token: '[redacted]', cookie: '[redacted]', code: '[redacted]',
      to: 'B***@Example.org', url: 'https://app.example/verify-email?…', nested: { apiKey: '[redacted]', note: 'mail c***@example.net' },
    })
  })

  it('describes an error by name and message, never its stack', () => {
    const { log, lines } = collector()
    log.error('failed', { error: new TypeError('bad thing for dana@example.com') })
    expect(lines[0]!.entry.error).toEqual({ name: 'TypeError', message: 'bad thing for d***@example.com' })
  })
})

// Issue 9 finding 4: a failed query's log line carried its parameters (a password hash and an email).
describe('a database error through the real error path', () => {
  it('logs the SQLSTATE and our SQL, no parameter value (not even the ones Postgres quotes back)', async () => {
    const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0c2FsdA$c2VjcmV0aGFzaHZhbHVlMTIzNDU2'
    const email = 'victim-db-error@example.com'
    const app = new Hono<AppEnv>()
      .use(requestContext, database)
      // A real failing query on the real database: the hash cannot be cast to an integer.
      .get('/boom', async (c) => c.json(await c.get('db').execute(sql`select ${hash}::int as n, ${email}::text as e`)))
      .onError(errorPage)
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const ctx = createExecutionContext()
    const res = await app.fetch(new Request('http://localhost/boom', { headers: { 'x-request-id': 'req-db-err' } }), env, ctx)
    await waitOnExecutionContext(ctx)
    expect(res.status).toBe(500)
    const lines = errors.mock.calls.map((call) => String(call[0]))
    const line = lines.find((l) => l.includes('req-db-err'))
    expect(line, lines.join('\n')).toBeDefined()
    expect(line).not.toContain('c2VjcmV0')
    expect(line).not.toContain('argon2id')
    expect(line).not.toContain('victim-db-error')
    const entry = JSON.parse(line!) as { level: string; error: { kind: string; sqlstate: string; query: string } }
    expect(entry.level).toBe('error')
    expect(entry.error).toMatchObject({ kind: 'database', sqlstate: '22P02' })
    expect(entry.error.query).toContain('select $1::int')
  })
})
