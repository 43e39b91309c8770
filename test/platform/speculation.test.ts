import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { Hono } from 'hono'
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { features } from '../../src/index'
import { requireUser } from '../../src/auth'
import { users } from '../../src/auth/schema'
import { invalidateSession } from '../../src/auth/session'
import { createApp } from '../../src/platform/app'
import { createDb, SpeculationRefused } from '../../src/platform/db'
import type { Feature } from '../../src/platform/feature'
import { readsOnly } from '../../src/platform/speculation'
import type { AppEnv } from '../../src/platform/types'
import { createTestUser, loginCookie } from '../auth/helpers'
import { withDb } from '../helpers/db'

// ADR 0106: a speculative render may read before its identity is confirmed, and must write nothing until then.

// Drizzle wraps a failed query's error ("Failed query: …"); the refusal is its cause.
function refusal(err: unknown): unknown {
  return err instanceof Error && err.cause instanceof SpeculationRefused ? err.cause : err
}

async function nameOf(id: string): Promise<string> {
  return withDb(async (db) => (await db.select({ name: users.name }).from(users).where(eq(users.id, id)))[0]!.name)
}

describe('the database of a speculative render', () => {
  async function held() {
    const witness = await createTestUser({ name: 'before' })
    const handle = createDb(env)
    let settle!: (confirmed: boolean) => void
    const db = handle.speculative(new Promise<boolean>((resolve) => (settle = resolve)))
    return { witness, handle, db, settle }
  }

  it('reads at once and holds a write until the identity is confirmed, then runs it', async () => {
    const { witness, handle, db, settle } = await held()
    try {
      const write = db.update(users).set({ name: 'after' }).where(eq(users.id, witness.id))
      // Issued after the write, answered before it: the read did not wait, the write did.
      const [read] = await db.select({ name: users.name }).from(users).where(eq(users.id, witness.id))
      expect(read!.name).toBe('before')
      expect(await nameOf(witness.id)).toBe('before')
      settle(true)
      await write
      expect(await nameOf(witness.id)).toBe('after')
    } finally {
      await handle.close()
    }
  })

  it('never runs a held write, row lock or transaction when the identity is refused', async () => {
    const { witness, handle, db, settle } = await held()
    try {
      const write = db.update(users).set({ name: 'after' }).where(eq(users.id, witness.id)).then(() => 'ran', refusal)
      const lock = db.select().from(users).where(eq(users.id, witness.id)).for('update').then(() => 'ran', refusal)
      const transaction = db.transaction(async (tx) => {
        await tx.update(users).set({ name: 'in a transaction' }).where(eq(users.id, witness.id))
      }).then(() => 'ran', refusal)
      settle(false)
      expect(await write).toBeInstanceOf(SpeculationRefused)
      expect(await lock).toBeInstanceOf(SpeculationRefused)
      expect(await transaction).toBeInstanceOf(SpeculationRefused)
      expect(await nameOf(witness.id)).toBe('before')
      expect(handle.opened()).toBe(false) // the transaction's WebSocket was never opened
    } finally {
      await handle.close()
    }
  })
})

describe('which statements a speculative render holds', () => {
  // Straight through the request client's query (what drizzle and prepareOnce call), on a real database.
  it.each([
    ['select 1', false],
    ['  SELECT 1', false],
    ["select 'into the wild' as x", true], // names a held word: waits, which is safe
    ['select id from users for share', true],
    ['select id from users for no key update', true],
    ['select id into temporary held_copy from users', true],
    ["select nextval('some_sequence')", true],
    ['select pg_advisory_lock(1)', true],
    ['with gone as (delete from users where false returning id) select * from gone', true],
    ['update users set name = name where false', true],
  ])('%s → held: %s', async (text, held) => {
    const handle = createDb(env)
    let settle!: (confirmed: boolean) => void
    const db = handle.speculative(new Promise<boolean>((resolve) => (settle = resolve)))
    try {
      const client = (db as unknown as { $client: { query: (text: string, params?: unknown[]) => Promise<unknown> } }).$client
      const outcome = client.query(text).then(() => 'ran', (err: unknown) => (err instanceof SpeculationRefused ? 'refused' : 'failed'))
      // A read is answered while the identity is still unconfirmed; a held statement is refused unrun.
      if (!held) {
        expect(await outcome).toBe('ran')
        settle(false)
      } else {
        settle(false)
        expect(await outcome).toBe('refused')
      }
    } finally {
      await handle.close()
    }
  })

  it('holds a tagged-template query and a batch as well', async () => {
    const handle = createDb(env)
    let settle!: (confirmed: boolean) => void
    const db = handle.speculative(new Promise<boolean>((resolve) => (settle = resolve)))
    try {
      const client = (db as unknown as { $client: ((strings: TemplateStringsArray, ...values: unknown[]) => Promise<unknown>) & { transaction: (q: unknown[]) => Promise<unknown> } }).$client
      const tagged = client`select ${1}::int as one`.then(() => 'ran', (err: unknown) => (err instanceof SpeculationRefused ? 'refused' : 'failed'))
      const batch = client.transaction([]).then(() => 'ran', (err: unknown) => (err instanceof SpeculationRefused ? 'refused' : 'failed'))
      settle(false)
      expect(await tagged).toBe('refused')
      expect(await batch).toBe('refused')
    } finally {
      await handle.close()
    }
  })
})

describe('a read-only route that writes anyway', () => {
  // A feature of the test's own making: a readsOnly page that (against the rule) writes a witness's name.
  let witnessId = ''
  const probe: Feature = {
    name: 'probe',
    routes: new Hono<AppEnv>().get('/probe/speculative-write', readsOnly, requireUser, async (c) => {
      await c.get('db').update(users).set({ name: `written for ${c.get('user')!.email}` }).where(eq(users.id, witnessId))
      return c.text(`hello ${c.get('user')!.email}`)
    }),
  }
  const { app, worker } = createApp([...features, probe])
  const view = async (cookie: string) => {
    const ctx = createExecutionContext()
    const res = await worker.fetch(new Request('http://localhost/probe/speculative-write', { headers: { cookie }, redirect: 'manual' }), env, ctx)
    await waitOnExecutionContext(ctx)
    return res
  }

  it('writes only for a confirmed session: a revoked one is refused and its render wrote nothing', async () => {
    witnessId = (await createTestUser({ name: 'untouched' })).id
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    // The first view checks the session before rendering (nothing known yet), so its write runs.
    expect((await view(cookie)).status).toBe(200)
    expect(await nameOf(witnessId)).toBe(`written for ${user.email}`)
    await withDb((db) => db.update(users).set({ name: 'untouched' }).where(eq(users.id, witnessId)))
    // Warm: rendered for the known identity in the lookup's round trip, its write held until confirmed.
    const confirmed = await view(cookie)
    expect(confirmed.status).toBe(200)
    expect(await confirmed.text()).toBe(`hello ${user.email}`)
    expect(await nameOf(witnessId)).toBe(`written for ${user.email}`)
    await withDb((db) => db.update(users).set({ name: 'untouched' }).where(eq(users.id, witnessId)))
    // Revoked: the speculative render's write is refused, the render thrown away, the request signed out.
    const sessionId = cookie.split('=')[1]!.split('.')[0]!
    await withDb((db) => invalidateSession(db, sessionId))
    const refused = await view(cookie)
    expect(refused.status).toBe(303)
    expect(refused.headers.get('location')).toBe('/login?next=%2Fprobe%2Fspeculative-write')
    expect(await refused.text()).not.toContain(user.email)
    expect(await nameOf(witnessId)).toBe('untouched')
  })

  it('fails closed when served without the Worker’s dispatch: the thrown-away render never leaves', async () => {
    witnessId = (await createTestUser({ name: 'untouched' })).id
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    expect((await view(cookie)).status).toBe(200)
    const sessionId = cookie.split('=')[1]!.split('.')[0]!
    await withDb((db) => invalidateSession(db, sessionId))
    const ctx = createExecutionContext()
    const res = await app.fetch(new Request('http://localhost/probe/speculative-write', { headers: { cookie }, redirect: 'manual' }), env, ctx)
    await waitOnExecutionContext(ctx)
    expect(res.status).toBe(503)
    expect(res.headers.getSetCookie()).toEqual([])
    expect(await res.text()).not.toContain(user.email)
  })
})
