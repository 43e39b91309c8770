import { describe, expect, it, vi } from 'vitest'
import { and, eq, isNotNull, sql } from 'drizzle-orm'
import { createTestUser, get, loginCookie, post, sessionCookieFrom, PASSWORD } from '../auth/helpers'
import { withDb } from '../helpers/db'
import { changeUserRole, deactivateUser, LastAdminError } from '../../src/auth/account-admin'
import { markAccountDeleting } from '../../src/auth/account-deletion'
import { users, sessions } from '../../src/auth/schema'
import { IMPERSONATION_MAX_MS, validateSessionToken } from '../../src/auth/session'
import { consumeDelays, LOGIN_ACCOUNT_DELAYS } from '../../src/auth/auth-throttle'
import { adminFeature } from '../../src/admin'
import type { Database } from '../../src/platform/db'
import { env } from 'cloudflare:workers'
import { auditRowsAbout, auditRowsBy, signedInAdmin } from './helpers'
import { waitForAccountDeleted } from '../helpers/account-deletion'

vi.setConfig({ testTimeout: 60_000 })

describe('impersonation', () => {
  it('asks for the admin password, refuses admins, and shows a banner with a way back', async () => {
    const { admin, cookie } = await signedInAdmin()
    const other = await createTestUser({ role: 'admin' })
    const user = await createTestUser({ name: 'Ivy Impersonated' })

    const wrong = await post(`/admin/users/${user.id}/impersonate`, { password: 'not my password' }, cookie)
    expect(wrong.status).toBe(401)
    expect(sessionCookieFrom(wrong)).toBeNull()
    // Issue 20: the user page again, its form showing the error under the field (not an error page).
    const wrongPage = await wrong.text()
    expect(wrongPage).toContain('<h1 class="title">Ivy Impersonated</h1>')
    expect(wrongPage).toMatch(/<form id="impersonate-form"[\s\S]*aria-invalid="true"[\s\S]*<p class="help is-danger" id="field-password-error">Your password is not correct.<\/p>/)
    expect(await auditRowsAbout(admin.id, 'auth.reauth_failed')).toHaveLength(1)

    const refused = await post(`/admin/users/${other.id}/impersonate`, { password: PASSWORD }, cookie)
    expect(refused.status).toBe(403)
    expect(await refused.text()).toContain('Administrators cannot be impersonated.')
    expect(sessionCookieFrom(refused)).toBeNull()
    expect(await auditRowsBy(admin.id, 'admin.impersonation.started')).toEqual([])

    const started = await post(`/admin/users/${user.id}/impersonate`, { password: PASSWORD }, cookie)
    expect(started.status).toBe(303)
    expect(started.headers.get('location')).toBe('/dashboard')
    const asUser = sessionCookieFrom(started)!
    const [startRow] = await auditRowsBy(admin.id, 'admin.impersonation.started')
    expect(startRow).toMatchObject({ actorId: admin.id, onBehalfOfId: user.id, targetId: user.id })
    // The admin's own session ended: the old cookie is worthless.
    expect((await get('/admin', cookie)).status).toBe(303)

    const dashboard = await get('/dashboard', asUser)
    expect(dashboard.status).toBe(200)
    const html = await dashboard.text()
    expect(html).toContain('Welcome, Ivy Impersonated')
    expect(html).toContain('You are logged in as <strong>Ivy Impersonated</strong>')
    expect(html).toContain('action="/impersonation/stop"')
    // The impersonated user is no admin: the admin area stays closed meanwhile.
    expect((await get('/admin', asUser)).status).toBe(403)

    // What the admin does meanwhile is attributed to both people.
    expect((await post('/settings/name', { name: 'Ivy Renamed' }, asUser)).status).toBe(303)
    const [nameRow] = await auditRowsBy(admin.id, 'auth.name_changed')
    expect(nameRow).toMatchObject({ actorId: admin.id, onBehalfOfId: user.id, targetId: user.id })
    // The credentials stay the owner's: no password change (which would also mint a normal session).
    const pw = await post('/settings/password', { current_password: PASSWORD, new_password: 'a brand new passphrase' }, asUser)
    expect(pw.status).toBe(403)
    expect(await pw.text()).toContain('only for its owner')
    expect((await post('/settings/delete', { delete_current_password: PASSWORD }, asUser)).status).toBe(403)
    // Nor signing the person out of their own devices.
    expect((await post('/settings/sessions/revoke-others', {}, asUser)).status).toBe(403)
    const afterChange = asUser

    const stopped = await post('/impersonation/stop', {}, afterChange)
    expect(stopped.status).toBe(303)
    expect(stopped.headers.get('location')).toBe(`/admin/users/${user.id}`)
    const back = sessionCookieFrom(stopped)!
    expect((await get('/admin', back)).status).toBe(200)
    const [stopRow] = await auditRowsBy(admin.id, 'admin.impersonation.stopped')
    expect(stopRow).toMatchObject({ actorId: admin.id, onBehalfOfId: user.id, targetId: user.id })
    expect((await post('/impersonation/stop', {}, back)).status).toBe(400)
  })

  // Issue 20: with htmx only the form is swapped, showing why; the throttle and the audit row stay as before.
  it('a wrong or throttled password answers htmx with the form and its message (401, then 429)', async () => {
    const { admin, cookie } = await signedInAdmin()
    const user = await createTestUser({ name: 'Hana Htmx' })
    const htmx = { headers: { 'hx-request': 'true' } }
    const wrong = await post(`/admin/users/${user.id}/impersonate`, { password: 'not my password' }, cookie, htmx)
    expect(wrong.status).toBe(401)
    expect(sessionCookieFrom(wrong)).toBeNull()
    const fragment = await wrong.text()
    expect(fragment).toMatch(/^<form id="impersonate-form" method="post" action="\/admin\/users\/[0-9a-f-]+\/impersonate" hx-post=/)
    expect(fragment).toContain('Log in as Hana Htmx')
    expect(fragment).toContain('<p class="help is-danger" id="field-password-error">Your password is not correct.</p>')
    expect(fragment).not.toContain('<html')
    // The re-authentication ladder holds, and says so in the form: attempts pushed up its steps (to tens
    // of seconds, so a slow machine cannot reach the next free attempt) the way repeated tries would.
    for (let i = 0; i < 6; i++) await consumeDelays(env, [`reauth:${admin.id}`], () => LOGIN_ACCOUNT_DELAYS, new Date())
    const throttled = await post(`/admin/users/${user.id}/impersonate`, { password: PASSWORD }, cookie, htmx)
    expect(throttled.status).toBe(429)
    expect(throttled.headers.get('retry-after')).toBe('60')
    expect(await throttled.text()).toMatch(/^<form id="impersonate-form"[\s\S]*id="field-password-error">Too many attempts/)
    expect(sessionCookieFrom(throttled)).toBeNull()
    expect(await auditRowsAbout(admin.id, 'auth.reauth_failed')).toHaveLength(1)
    expect(await auditRowsBy(admin.id, 'admin.impersonation.started')).toEqual([])
  })

  it('the user page names the admin behind an impersonation session (issue 20: people, not ids)', async () => {
    const { admin, cookie } = await signedInAdmin()
    const { cookie: otherAdmin } = await signedInAdmin()
    const user = await createTestUser()
    expect((await post(`/admin/users/${user.id}/impersonate`, { password: PASSWORD }, cookie)).status).toBe(303)
    const html = await (await get(`/admin/users/${user.id}`, otherAdmin)).text()
    expect(html).toContain(`data-label="Kind">admin acting as this user: <span class="person"><a href="/admin/users/${admin.id}">Ada Admin</a><span class="person-email is-block is-size-7">${admin.email}</span></span></td>`)
    // The user's own sessions say how they signed in (issue 22).
    await loginCookie(user.email)
    expect(await (await get(`/admin/users/${user.id}`, otherAdmin)).text()).toContain('data-label="Kind">Signed in with password</td>')
  })

  it('is time-limited: the session is refused after the cap, however active', async () => {
    const { cookie } = await signedInAdmin()
    const user = await createTestUser()
    const started = await post(`/admin/users/${user.id}/impersonate`, { password: PASSWORD }, cookie)
    const token = sessionCookieFrom(started)!.split('=')[1]!
    const [row] = await withDb((db) => db.select().from(sessions).where(eq(sessions.userId, user.id)))
    const justBefore = new Date(row!.createdAt.getTime() + IMPERSONATION_MAX_MS - 1000)
    const after = new Date(row!.createdAt.getTime() + IMPERSONATION_MAX_MS)
    expect((await withDb((db) => validateSessionToken(db, token, justBefore))).session).not.toBeNull()
    expect((await withDb((db) => validateSessionToken(db, token, after))).session).toBeNull()
  })

  // Issue 19, finding 6: an admin never acts as another admin, also when the user becomes one meanwhile.
  it('promoting the impersonated user to admin ends the impersonation at once', async () => {
    const { cookie } = await signedInAdmin()
    const { cookie: otherAdmin } = await signedInAdmin()
    const user = await createTestUser()
    const asUser = sessionCookieFrom(await post(`/admin/users/${user.id}/impersonate`, { password: PASSWORD }, cookie))!
    expect((await get('/dashboard', asUser)).status).toBe(200)
    expect((await post(`/admin/users/${user.id}/role`, { role: 'admin' }, otherAdmin)).status).toBe(303)
    const after = await get('/admin', asUser)
    expect(after.status).toBe(303)
    expect(after.headers.get('location')).toContain('/login')
    expect(await withDb((db) => db.select().from(sessions).where(and(eq(sessions.userId, user.id), isNotNull(sessions.impersonatorId))))).toEqual([])
  })

  it('a session row that still names an admin as its user is refused (promotion by any path, e.g. the CLI)', async () => {
    const { cookie } = await signedInAdmin()
    const user = await createTestUser()
    const token = sessionCookieFrom(await post(`/admin/users/${user.id}/impersonate`, { password: PASSWORD }, cookie))!.split('=')[1]!
    await withDb((db) => db.update(users).set({ role: 'admin' }).where(eq(users.id, user.id)))
    expect((await withDb((db) => validateSessionToken(db, token, new Date()))).session).toBeNull()
  })

  // Issue 19, finding 7: an impersonation that simply runs out is on the record too, at the time it ended.
  it('an impersonation that expires is recorded by the nightly job, with the time it ended', async () => {
    const { admin, cookie } = await signedInAdmin()
    const user = await createTestUser()
    const token = sessionCookieFrom(await post(`/admin/users/${user.id}/impersonate`, { password: PASSWORD }, cookie))!.split('=')[1]!
    // Started 31 minutes ago: past its cap now (a real past, so no other file's live session is touched).
    const startedAt = new Date(Date.now() - IMPERSONATION_MAX_MS - 60_000)
    const endedAt = new Date(startedAt.getTime() + IMPERSONATION_MAX_MS)
    await withDb((db) => db.update(sessions).set({ createdAt: startedAt, lastSeenAt: startedAt, expiresAt: endedAt }).where(eq(sessions.userId, user.id)))
    // The browser coming back after the cap is refused, and leaves the row for the job to record.
    expect((await withDb((db) => validateSessionToken(db, token, new Date()))).session).toBeNull()
    expect(await auditRowsBy(admin.id, 'admin.impersonation.ended')).toEqual([])

    const job = adminFeature.scheduled!.find((j) => j.name === 'impersonation-expiry')!
    await job.run({ scheduledTime: Date.now(), cron: job.cron, noRetry: () => undefined } as ScheduledController, env, {} as ExecutionContext)
    const [row] = await auditRowsBy(admin.id, 'admin.impersonation.ended')
    expect(row).toMatchObject({ actorId: admin.id, onBehalfOfId: user.id, targetType: 'user', targetId: user.id, detail: { reason: 'expired' } })
    expect(row!.createdAt.getTime()).toBe(endedAt.getTime())
    expect(await withDb((db) => db.select().from(sessions).where(eq(sessions.userId, user.id)))).toEqual([])
    // Run again: nothing left to record.
    await job.run({ scheduledTime: Date.now(), cron: job.cron, noRetry: () => undefined } as ScheduledController, env, {} as ExecutionContext)
    expect(await auditRowsBy(admin.id, 'admin.impersonation.ended')).toHaveLength(1)
  })
})

// The guard counts every active admin in the database, which other test files share: each case runs in a
// transaction that first demotes every other admin, and rolls back, so no other test ever sees it. Inside
// `fn`, use only `tx`: another connection touching users would wait for the lock held here.
async function asOnlyAdmin(adminId: string, fn: (tx: Database) => Promise<void>) {
  const rollback = new Error('rollback')
  await withDb((db) => db.transaction(async (tx) => {
    // No other file's new admin may slip in between (their inserts wait the few ms this takes).
    await tx.execute(sql`lock table users in share row exclusive mode`)
    await tx.update(users).set({ role: 'user' }).where(sql`${users.role} = 'admin' and ${users.id} <> ${adminId}`)
    await fn(tx as unknown as Database)
    throw rollback
  })).catch((err) => { if (err !== rollback) throw err })
}

describe('the last-admin guard', () => {
  it('the only active admin cannot demote, deactivate or delete themself; with a second admin they can', async () => {
    const admin = await createTestUser({ role: 'admin' })
    // Made before the transaction: inside it, the table lock would make another connection's insert wait.
    const second = await createTestUser({ role: 'user' })
    await asOnlyAdmin(admin.id, async (tx) => {
      await expect(changeUserRole(tx, admin.id, 'user')).rejects.toBeInstanceOf(LastAdminError)
      await expect(deactivateUser(tx, admin.id, new Date())).rejects.toBeInstanceOf(LastAdminError)
      await expect(markAccountDeleting(tx, admin.id, new Date())).rejects.toBeInstanceOf(LastAdminError)
      const [still] = await tx.select().from(users).where(eq(users.id, admin.id))
      expect(still).toMatchObject({ role: 'admin', deactivatedAt: null, deletionRequestedAt: null })
      // A deactivated admin does not count: promoting one would not help, an active one does.
      await tx.update(users).set({ role: 'admin' }).where(eq(users.id, second.id))
      expect(await changeUserRole(tx, admin.id, 'user')).toBe('admin')
    })
  })

  // Issue 19, finding 5: self-deletion in settings is held to the same rule as deletion by an admin.
  it('the only active admin cannot delete their own account in settings either', async () => {
    const admin = await createTestUser({ role: 'admin' })
    await asOnlyAdmin(admin.id, async (tx) => {
      await expect(markAccountDeleting(tx, admin.id, new Date())).rejects.toBeInstanceOf(LastAdminError)
      expect(await tx.select({ requested: users.deletionRequestedAt }).from(users).where(eq(users.id, admin.id))).toEqual([{ requested: null }])
    })
  })

  it('through settings, an admin may delete their own account while another admin remains', async () => {
    const { admin, cookie } = await signedInAdmin()
    // The shared database holds other active admins, so the guard lets this one go (see above for the refusal).
    expect((await post('/settings/delete', { delete_current_password: PASSWORD }, cookie)).status).toBe(303)
    await waitForAccountDeleted(admin.id)
  })

  it('through the route, an admin may demote themself while another admin remains', async () => {
    const { admin, cookie } = await signedInAdmin()
    // Through the route the guard sees the shared database, where other admins exist; demoting oneself
    // there succeeds, which shows the guard does not refuse when another admin remains.
    const res = await post(`/admin/users/${admin.id}/role`, { role: 'user' }, cookie)
    expect(res.status).toBe(303)
    expect((await get('/admin', cookie)).status).toBe(403)
  })
})
