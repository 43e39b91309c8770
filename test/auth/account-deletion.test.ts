import { describe, expect, it, vi } from 'vitest'
import { env } from 'cloudflare:workers'
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { eq } from 'drizzle-orm'
import { withDb } from '../helpers/db'
import { request } from '../helpers/http'
import { waitForAccountDeleted } from '../helpers/account-deletion'
import { createTestUser, flashCookieFrom, get, login, loginCookie, post, PASSWORD } from './helpers'
import { createUser } from '../../src/auth/user'
import { auditRowsAbout, auditRowsBy, signedInAdmin } from '../admin/helpers'
import { deliver, useFakeStripe } from '../billing/stripe'
import { billingCustomers, subscriptions } from '../../src/billing/schema'
import { apiKeys } from '../../src/usage/schema'
import { sessions, users } from '../../src/auth/schema'
import {
  ACCOUNT_DELETION_DEAD_LETTER_QUEUE, ACCOUNT_DELETION_QUEUE, DeletionStepError, deletionBackoffSeconds, markAccountDeleting, runAccountDeletion,
} from '../../src/auth/account-deletion'
import { createApiKey } from '../../src/usage/api-keys'
import { composeRegistry } from '../../src/platform/feature'
import worker, { features } from '../../src/index'

// Issue 19, item 10 (ADR 0084). Several logins, a checkout and queue round trips per test.
vi.setConfig({ testTimeout: 60_000 })

const registry = composeRegistry(features)
const fake = useFakeStripe()

async function subscribed() {
  const user = await createTestUser()
  const cookie = await loginCookie(user.email)
  const res = await post('/billing/checkout', { plan: 'pro', interval: 'month' }, cookie)
  const from = fake.standin.events.length
  await fake.standin.completeCheckout(res.headers.get('location')!.split('/').pop()!)
  for (const e of fake.eventsSince(from)) await deliver(e)
  const [sub] = await withDb((db) => db.select().from(subscriptions).where(eq(subscriptions.userId, user.id)))
  return { user, cookie, subscriptionId: sub!.id }
}

/** The state a request leaves behind, without sending the message: the test drives the consumer itself. */
const markOnly = (userId: string) => withDb((db) => markAccountDeleting(db, userId, new Date()))

/** One delivery to the Worker's queue handler, as the platform makes it; what it acked or retried. */
async function consume(queue: string, userId: string, attempts: number) {
  const batch = createMessageBatch(queue, [{ id: `msg-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body: { userId } }])
  const ctx = createExecutionContext()
  await (worker as ExportedHandler<Env>).queue!(batch, env, ctx)
  return getQueueResult(batch, ctx)
}

const userRow = (id: string) => withDb(async (db) => (await db.select().from(users).where(eq(users.id, id)))[0])
const billingRows = (id: string) => withDb(async (db) => ({
  subscriptions: (await db.select().from(subscriptions).where(eq(subscriptions.userId, id))).length,
  customers: (await db.select().from(billingCustomers).where(eq(billingCustomers.userId, id))).length,
}))
const stripeStatus = (subscriptionId: string) => fake.standin.state.subscriptions.get(subscriptionId)?.status

describe('issue 19 item 10: deletion is a saga, not a transaction around network calls', () => {
  // Before: Stripe was canceled inside the transaction; a later step failing rolled Postgres back, leaving
  // a canceled subscription under an account that was still there and still signed in.
  it('Stripe cancel succeeds, a later step fails: the account is already signed out and marked, and a re-run finishes', async () => {
    const { user, cookie, subscriptionId } = await subscribed()
    await markOnly(user.id)
    const failing = { name: 'r2', run: async () => { throw new Error('R2 down') } }
    await expect(withDb((db) => runAccountDeletion(db, env, [...registry.accountCleanups, failing], user.id, new Date()))).rejects.toBeInstanceOf(DeletionStepError)
    const canceledAtStripe = stripeStatus(subscriptionId) === 'canceled'
    const accountStillThere = (await userRow(user.id)) !== undefined
    const stillSignedIn = (await get('/dashboard', cookie)).status === 200
    expect({ canceledAtStripe, accountStillThere, stillSignedIn }).toEqual({ canceledAtStripe: true, accountStillThere: true, stillSignedIn: false })
    // Nothing half-kept: the billing rows went with their step; the user row waits for the last one.
    expect(await billingRows(user.id)).toEqual({ subscriptions: 0, customers: 0 })
    expect((await userRow(user.id))!.deletionRequestedAt).not.toBeNull()
    expect((await login(user.email)).status).toBe(403)
    expect(await withDb((db) => runAccountDeletion(db, env, registry.accountCleanups, user.id, new Date()))).toBe('deleted')
    expect(await userRow(user.id)).toBeUndefined()
  })

  it('runs billing first (nobody is charged once deletion is asked for) and every feature’s step', () => {
    const names = registry.accountCleanups.map((s) => s.name)
    expect(names[0]).toBe('billing')
    expect(names).toEqual(expect.arrayContaining(['email', 'usage', 'files']))
  })
})

describe('POST /settings/delete through the real queue', () => {
  it('signs out and ends keys at once, says the account is being deleted, then everything goes, the user row last', async () => {
    const { user, cookie, subscriptionId } = await subscribed()
    const key = await withDb((db) => createApiKey(db, user.id, 'CI', new Date()))
    if (!key.ok) throw new Error('no key')
    await env.FILES.put(`${user.id}/a.txt`, 'hello')
    expect((await request('/api/v1/usage', { headers: { authorization: `Bearer ${key.key}` } })).status).toBe(200)

    const res = await post('/settings/delete', { delete_current_password: PASSWORD }, cookie)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/')
    const flash = flashCookieFrom(res)!
    expect(await (await get('/', flash)).text()).toContain('Your account is being deleted')

    // At once, whatever the queue is doing: no session, no key, no sign-in, the address still taken.
    expect(await withDb((db) => db.select().from(sessions).where(eq(sessions.userId, user.id)))).toEqual([])
    expect((await get('/dashboard', cookie)).status).toBe(303)
    expect((await request('/api/v1/ping', { headers: { authorization: `Bearer ${key.key}` } })).status).toBe(401)
    // Sign-up's own test: the unique address index refuses a second account until the row goes. The queue
    // may already have finished (it runs beside this test), so only while the row is still there.
    if ((await withDb((db) => db.select({ id: users.id }).from(users).where(eq(users.id, user.id)))).length === 1) {
      expect(await withDb((db) => createUser(db, { email: user.email, name: 'Again', password: 'another long passphrase' }))).toBeNull()
    }

    await waitForAccountDeleted(user.id)
    expect(stripeStatus(subscriptionId)).toBe('canceled')
    expect(await billingRows(user.id)).toEqual({ subscriptions: 0, customers: 0 })
    expect(await withDb((db) => db.select().from(apiKeys).where(eq(apiKeys.userId, user.id)))).toEqual([])
    expect((await env.FILES.list({ prefix: `${user.id}/` })).objects).toEqual([])
    // Audited when asked for (in the marking transaction) and when finished (by the queue).
    expect(await auditRowsAbout(user.id, 'auth.account_deleted')).toHaveLength(1)
    const [done] = await auditRowsAbout(user.id, 'auth.account_deletion_completed')
    expect(done).toMatchObject({ actorId: null, detail: { actor: 'deletion queue' } })
    expect((await login(user.email)).status).toBe(401)
  })
})

describe('the deletion queue consumer', () => {
  it('Stripe 500 on the first attempt: retried with backoff, nothing later ran, the account unusable; the retry finishes', async () => {
    const { user, cookie, subscriptionId } = await subscribed()
    await env.FILES.put(`${user.id}/kept-until-billing-is-done.txt`, 'x')
    await markOnly(user.id)
    fake.fail(/^DELETE \/v1\/subscriptions\//, '500')

    const first = await consume(ACCOUNT_DELETION_QUEUE, user.id, 1)
    expect(first.explicitAcks).toEqual([])
        expect(first.retryMessages).toHaveLength(1)
    // The delay the consumer passes to msg.retry (getQueueResult does not report it): 30 s doubling, ≤ 1 h.
    expect([1, 2, 3, 8, 9].map(deletionBackoffSeconds)).toEqual([30, 60, 120, 3600, 3600])
    const row = (await userRow(user.id))!
    expect(row.deletionRequestedAt).not.toBeNull()
    expect(row.deletionFailedAt).toBeNull()
    expect(row.deletionError).toContain('attempt 1: step billing')
    // Billing comes first and failed: the later steps did not run, so nothing is half-deleted.
    expect(stripeStatus(subscriptionId)).toBe('active')
    expect(await billingRows(user.id)).toEqual({ subscriptions: 1, customers: 1 })
    expect((await env.FILES.list({ prefix: `${user.id}/` })).objects).toHaveLength(1)
    // …and the account is never usable in between.
    expect((await get('/dashboard', cookie)).status).toBe(303)
    const refused = await login(user.email)
    expect(refused.status).toBe(403)
    expect(await refused.text()).toContain('being deleted')

    fake.clearFaults()
    const second = await consume(ACCOUNT_DELETION_QUEUE, user.id, 2)
    expect(second.explicitAcks).toHaveLength(1)
    expect(await userRow(user.id)).toBeUndefined()
    expect(stripeStatus(subscriptionId)).toBe('canceled')
    expect(await billingRows(user.id)).toEqual({ subscriptions: 0, customers: 0 })
    expect((await env.FILES.list({ prefix: `${user.id}/` })).objects).toEqual([])
  })

  it('a step failing until the dead-letter queue: marked deletion_failed, the admin sees it, the retry button finishes it', async () => {
    const { user, subscriptionId } = await subscribed()
    await markOnly(user.id)
    fake.fail(/^DELETE \/v1\/subscriptions\//, '500')
    // The last attempt (1 + max_retries = 9) fails too; the platform then moves the message to the DLQ.
    expect((await consume(ACCOUNT_DELETION_QUEUE, user.id, 9)).retryMessages).toHaveLength(1)
    expect((await consume(ACCOUNT_DELETION_DEAD_LETTER_QUEUE, user.id, 1)).explicitAcks).toHaveLength(1)
    const failed = (await userRow(user.id))!
    expect(failed.deletionFailedAt).not.toBeNull()
    expect(failed.deletionError).toMatch(/^gave up after retries; last error: attempt 9: step billing/)
    expect(await auditRowsAbout(user.id, 'auth.account_deletion_failed')).toHaveLength(1)
    // A second dead letter for the same account changes nothing.
    await consume(ACCOUNT_DELETION_DEAD_LETTER_QUEUE, user.id, 1)
    expect(await auditRowsAbout(user.id, 'auth.account_deletion_failed')).toHaveLength(1)

    const { admin, cookie } = await signedInAdmin()
    const page = await (await get(`/admin/users/${user.id}`, cookie)).text()
    expect(page).toContain('Deletion failed')
    expect(page).toContain('step billing')
    expect(page).toContain(`action="/admin/users/${user.id}/deletion/retry"`)
    expect(page).not.toContain(`action="/admin/users/${user.id}/impersonate"`)
    const list = await (await get(`/admin/users?active=deleting&q=${encodeURIComponent(user.email)}`, cookie)).text()
    expect(list).toContain(user.email)
    expect(list).toContain('deletion failed')
    expect(await (await get('/admin', cookie)).text()).toContain(user.email)

    fake.clearFaults()
    const retried = await post(`/admin/users/${user.id}/deletion/retry`, {}, cookie)
    expect(retried.status).toBe(303)
    const [audit] = await auditRowsBy(admin.id, 'admin.user.deletion_retried')
    expect(audit).toMatchObject({ targetId: user.id, detail: { queued: true } })
    await waitForAccountDeleted(user.id)
    expect(stripeStatus(subscriptionId)).toBe('canceled')
  })

  it('re-running finished steps changes nothing: no Stripe call, no row, no object', async () => {
    const { user } = await subscribed()
    await env.FILES.put(`${user.id}/a.txt`, 'a')
    await markOnly(user.id)
    for (const step of registry.accountCleanups) await withDb((db) => step.run(db, { id: user.id, email: user.email }, env, new Date()))
    const calls = fake.calls.length
    const before = { user: await userRow(user.id), billing: await billingRows(user.id), objects: (await env.FILES.list({ prefix: `${user.id}/` })).objects.length }
    expect(before.billing).toEqual({ subscriptions: 0, customers: 0 })
    expect(before.objects).toBe(0)
    for (const step of registry.accountCleanups) await withDb((db) => step.run(db, { id: user.id, email: user.email }, env, new Date()))
    expect(fake.calls.length).toBe(calls)
    expect({ user: await userRow(user.id), billing: await billingRows(user.id), objects: (await env.FILES.list({ prefix: `${user.id}/` })).objects.length }).toEqual(before)
    // The whole deletion again, and once more after the row is gone: done is done.
    expect((await consume(ACCOUNT_DELETION_QUEUE, user.id, 1)).explicitAcks).toHaveLength(1)
    expect(await userRow(user.id)).toBeUndefined()
    expect((await consume(ACCOUNT_DELETION_QUEUE, user.id, 1)).explicitAcks).toHaveLength(1)
    expect(fake.calls.length).toBe(calls)
  })

  it('a crash after Stripe canceled (our row still open), or a subscription Stripe no longer knows: both count as done', async () => {
    const a = await subscribed()
    const b = await subscribed()
    // a: canceled at Stripe, but the crash came before we recorded it.
    const canceled = await fake.standin.handle(new Request(`https://api.stripe.com/v1/subscriptions/${a.subscriptionId}`, { method: 'DELETE', headers: { authorization: 'Bearer sk_test_workers' } }))
    expect(canceled.status).toBe(200)
    expect(stripeStatus(a.subscriptionId)).toBe('canceled')
    // b: Stripe answers resource_missing.
    fake.standin.state.subscriptions.delete(b.subscriptionId)
    for (const { user } of [a, b]) {
      await markOnly(user.id)
      expect((await consume(ACCOUNT_DELETION_QUEUE, user.id, 1)).explicitAcks).toHaveLength(1)
      expect(await userRow(user.id)).toBeUndefined()
      expect(await billingRows(user.id)).toEqual({ subscriptions: 0, customers: 0 })
    }
  })

  it('a message for an account nobody asked to delete deletes nothing', async () => {
    const user = await createTestUser()
    expect((await consume(ACCOUNT_DELETION_QUEUE, user.id, 1)).explicitAcks).toHaveLength(1)
    expect(await userRow(user.id)).toMatchObject({ id: user.id, deletionRequestedAt: null })
  })
})

describe('POST /admin/users/:id/deletion/retry', () => {
  it('refuses a cross-site POST and a plain user; 409 for an account not being deleted; none of them audited', async () => {
    const { admin, cookie } = await signedInAdmin()
    const target = await createTestUser()
    const plain = await createTestUser()
    const plainCookie = await loginCookie(plain.email)
    const url = `/admin/users/${target.id}/deletion/retry`
    const crossSite = await post(url, {}, cookie, { headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } })
    expect(crossSite.status).toBe(403)
    expect((await post(url, {}, plainCookie)).status).toBe(403)
    expect((await post(url, {}, undefined)).status).toBe(303)
    const notDeleting = await post(url, {}, cookie)
    expect(notDeleting.status).toBe(409)
    expect(await auditRowsBy(admin.id, 'admin.user.deletion_retried')).toEqual([])
    // The retry never starts a deletion by itself.
    expect((await userRow(target.id))!.deletionRequestedAt).toBeNull()
  })

  it('counts against the admin action throttle (60 a minute)', async () => {
    const { cookie } = await signedInAdmin()
    const target = await createTestUser()
    const statuses: number[] = []
    for (let i = 0; i < 60; i++) statuses.push((await post(`/admin/users/${target.id}/deletion/retry`, {}, cookie)).status)
    expect(statuses).toEqual(Array(60).fill(409))
    const refused = await post(`/admin/users/${target.id}/deletion/retry`, {}, cookie)
    expect(refused.status).toBe(429)
  })

  it('admin deletion goes the same way: one audit row, signed out at once, gone after the queue', async () => {
    const { admin, cookie } = await signedInAdmin()
    const user = await createTestUser()
    const userCookie = await loginCookie(user.email)
    const res = await post(`/admin/users/${user.id}/delete`, { confirm_email: user.email }, cookie)
    expect(res.status).toBe(303)
    expect((await get('/dashboard', userCookie)).status).toBe(303)
    expect(await auditRowsBy(admin.id, 'admin.user.deleted')).toHaveLength(1)
    await waitForAccountDeleted(user.id)
  })
})
