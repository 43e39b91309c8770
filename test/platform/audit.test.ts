import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { recordAudit, type AuditEntry } from '../../src/platform/audit'
import { composeRegistry, type AuditRecord } from '../../src/platform/feature'
import type { AppEnv, Viewer } from '../../src/platform/types'

// recordAudit fills in who acted and from where, the same way for every feature; the row itself is
// admin's (test/admin/*). Here a listener stands in for admin, as a deployment without admin has none.
function auditedApp(viewer: Viewer | null, entry: AuditEntry) {
  const recorded: AuditRecord[] = []
  const registry = composeRegistry([{ name: 'listener', on: { 'audit.record': async (record) => { recorded.push(record) } } }])
  const app = new Hono<AppEnv>()
    .use(async (c, next) => { c.set('viewer', viewer); c.set('registry', registry); await next() })
    .post('/act', async (c) => { await recordAudit(c, entry); return c.body(null, 204) })
  return { app, recorded }
}

const person: Viewer = { id: 'u-1', name: 'Ada', email: 'ada@example.com', role: 'user', emailVerified: true }
const act = (app: Hono<AppEnv>) => app.request('/act', { method: 'POST', headers: { 'cf-connecting-ip': '203.0.113.9' } }, {} as Env)

describe('recordAudit', () => {
  it('names the signed-in person as the actor, with the client IP', async () => {
    const { app, recorded } = auditedApp(person, { action: 'thing.done', targetType: 'file', targetId: 'f-1', detail: { size: 3 } })
    expect((await act(app)).status).toBe(204)
    expect(recorded).toEqual([{ action: 'thing.done', actorId: 'u-1', onBehalfOfId: null, ip: '203.0.113.9', targetType: 'file', targetId: 'f-1', detail: { size: 3 } }])
  })

  it('while an admin impersonates, names the admin as actor on behalf of the person', async () => {
    const { app, recorded } = auditedApp({ ...person, impersonatorId: 'admin-1' }, { action: 'thing.done' })
    await act(app)
    expect(recorded[0]).toMatchObject({ actorId: 'admin-1', onBehalfOfId: 'u-1' })
  })

  it('takes an explicit actor (sign-in) and records a visitor as no one', async () => {
    const explicit = auditedApp(null, { action: 'auth.login.success', actorId: 'u-2' })
    await act(explicit.app)
    expect(explicit.recorded[0]).toMatchObject({ actorId: 'u-2', onBehalfOfId: null })
    const visitor = auditedApp(null, { action: 'auth.login.failed' })
    await act(visitor.app)
    expect(visitor.recorded[0]).toMatchObject({ actorId: null, onBehalfOfId: null, ip: '203.0.113.9' })
  })
})
