import { describe, expect, it, vi } from 'vitest'
import { eq } from 'drizzle-orm'
import { createTestUser, get, login, loginCookie, post } from '../auth/helpers'
import { withDb } from '../helpers/db'
import { waitForMail } from '../helpers/mail'
import { postForm } from '../helpers/http'
import { users } from '../../src/auth/schema'
import { emailDeliveries } from '../../src/email/schema'
import { contactMessages } from '../../src/pages/schema'
import { auditRowsBy, signedInAdmin } from './helpers'
import { waitForAccountDeleted } from '../helpers/account-deletion'

// Several logins and a mail round trip per test, on a machine shared by several engineers.
vi.setConfig({ testTimeout: 60_000 })

// Issue 13: each admin action writes exactly one audit row naming the admin (actor) and the target.
async function expectOneAuditRow(actorId: string, action: string, targetId: string, run: () => Promise<Response>, status = 303) {
  const before = (await auditRowsBy(actorId)).length
  const res = await run()
  expect(res.status, action).toBe(status)
  const after = await auditRowsBy(actorId)
  expect(after.length - before, `${action}: audit rows written`).toBe(1)
  expect(after[0]!.action).toBe(action)
  expect(after[0]!.actorId).toBe(actorId)
  expect(after[0]!.targetId).toBe(targetId)
  expect(after[0]!.ip).toMatch(/^10\./)
  return res
}

describe('admin actions on a user', () => {
  it('change role, deactivate, reactivate, resend verification, delete: one audit row each', async () => {
    const { admin, cookie } = await signedInAdmin()
    const user = await createTestUser({ verified: false })
    const base = `/admin/users/${user.id}`

    await expectOneAuditRow(admin.id, 'admin.user.role_changed', user.id, () => post(`${base}/role`, { role: 'admin' }, cookie))
    expect((await auditRowsBy(admin.id, 'admin.user.role_changed'))[0]!.detail).toEqual({ from: 'user', to: 'admin' })
    await expectOneAuditRow(admin.id, 'admin.user.role_changed', user.id, () => post(`${base}/role`, { role: 'user' }, cookie))

    await expectOneAuditRow(admin.id, 'admin.user.deactivated', user.id, () => post(`${base}/deactivate`, {}, cookie))
    await expectOneAuditRow(admin.id, 'admin.user.reactivated', user.id, () => post(`${base}/reactivate`, {}, cookie))

    await expectOneAuditRow(admin.id, 'admin.user.verification_resent', user.id, () => post(`${base}/resend-verification`, {}, cookie))
    await waitForMail(user.email, { template: 'verify-email' })

    await expectOneAuditRow(admin.id, 'admin.user.deleted', user.id, () => post(`${base}/delete`, { confirm_email: user.email }, cookie))
    // A saga (ADR 0084): marked and signed out now, removed by the deletion queue a moment later.
    await waitForAccountDeleted(user.id)
    expect(await withDb((db) => db.select().from(users).where(eq(users.id, user.id)))).toEqual([])
    // Same cleanup as self-deletion: the mail log no longer names the person.
    expect(await withDb((db) => db.select().from(emailDeliveries).where(eq(emailDeliveries.recipient, user.email)))).toEqual([])
  })

  it('refuses bad input with a clear 4xx and writes no audit row', async () => {
    const { admin, cookie } = await signedInAdmin()
    const user = await createTestUser()
    const before = (await auditRowsBy(admin.id)).length
    const badRole = await post(`/admin/users/${user.id}/role`, { role: 'owner' }, cookie)
    expect(badRole.status).toBe(422)
    expect(await badRole.text()).toContain('Choose User or Admin.')
    const badConfirm = await post(`/admin/users/${user.id}/delete`, { confirm_email: 'someone-else@example.com' }, cookie)
    expect(badConfirm.status).toBe(422)
    const verified = await post(`/admin/users/${user.id}/resend-verification`, {}, cookie)
    expect(verified.status).toBe(409)
    expect((await get('/admin/users/not-a-uuid', cookie)).status).toBe(404)
    expect((await auditRowsBy(admin.id)).length).toBe(before)
    // htmx gets the message as a fragment for the flash region.
    const htmx = await post(`/admin/users/${user.id}/role`, { role: 'owner' }, cookie, { htmx: true })
    expect(htmx.status).toBe(422)
    expect(htmx.headers.get('hx-retarget')).toBe('#flash-region')
  })
})

describe('deactivation', () => {
  it('ends the open session at its next request and refuses login with a clear message', async () => {
    const { cookie: adminCookie } = await signedInAdmin()
    const user = await createTestUser()
    const userCookie = await loginCookie(user.email)
    expect((await get('/dashboard', userCookie)).status).toBe(200)

    expect((await post(`/admin/users/${user.id}/deactivate`, {}, adminCookie)).status).toBe(303)
    const next = await get('/dashboard', userCookie)
    expect(next.status).toBe(303)
    expect(next.headers.get('location')).toMatch(/^\/login/)

    const refused = await login(user.email)
    expect(refused.status).toBe(403)
    expect(await refused.text()).toContain('This account has been deactivated.')
    // A wrong password still gets the generic answer: deactivation is not revealed to a guesser.
    const guess = await login(user.email, 'wrong password entirely')
    expect(guess.status).toBe(401)
    expect(await guess.text()).not.toContain('deactivated')

    expect((await post(`/admin/users/${user.id}/reactivate`, {}, adminCookie)).status).toBe(303)
    expect((await login(user.email)).status).toBe(303)
  })
})

describe('inbox and mail', () => {
  it('marks a message handled, replies by mail, and shows visitor text escaped and out of htmx reach', async () => {
    const { admin, cookie } = await signedInAdmin()
    const subject = `Inbox ${crypto.randomUUID().slice(0, 8)}`
    const sender = `visitor-${crypto.randomUUID().slice(0, 8)}@example.com`
    const hostile = '<img src=x onerror=alert(1)> <button hx-post="/logout" hx-trigger="load">x</button>'
    expect((await postForm('/contact', { name: 'Eve', email: sender, subject, message: hostile })).status).toBe(303)
    const [message] = await withDb((db) => db.select().from(contactMessages).where(eq(contactMessages.subject, subject)))

    const inbox = await (await get('/admin/messages', cookie)).text()
    expect(inbox).toContain(subject)
    expect(inbox).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(inbox).not.toContain('<button hx-post="/logout"')
    expect(inbox).toMatch(/<div hx-disable(="[^"]*")?><p class="admin-message-body">&lt;img/)

    await expectOneAuditRow(admin.id, 'admin.message.handled', message!.id, () => post(`/admin/messages/${message!.id}/handled`, { handled: 'yes' }, cookie))
    expect(await (await get('/admin/messages', cookie)).text()).not.toContain(subject)
    expect(await (await get('/admin/messages?show=handled', cookie)).text()).toContain(subject)

    const empty = await post(`/admin/messages/${message!.id}/reply`, { reply: '   ' }, cookie)
    expect(empty.status).toBe(422)
    await expectOneAuditRow(admin.id, 'admin.message.replied', message!.id, () => post(`/admin/messages/${message!.id}/reply`, { reply: 'Thanks Eve, we fixed it.' }, cookie))
    const mail = await waitForMail(sender, { template: 'contact-reply' })
    expect(mail.text).toContain('Thanks Eve, we fixed it.')
  })

  it('lists failed mail with its error and retries one that kept its props; a one-time-link mail cannot be retried', async () => {
    const { admin, cookie } = await signedInAdmin()
    const to = `retry-${crypto.randomUUID().slice(0, 8)}@example.com`
    const [failed] = await withDb((db) => db.insert(emailDeliveries).values({
      template: 'welcome', recipient: to, status: 'failed', attempts: 6, error: 'gave up after 6 attempts; last error: 503',
      retryProps: { props: { name: 'Retry Person', dashboardUrl: 'http://localhost/dashboard' }, replyTo: null },
    }).returning())
    const [secret] = await withDb((db) => db.insert(emailDeliveries).values({ template: 'verify-email', recipient: to, status: 'failed', attempts: 6, error: 'bounced' }).returning())

    const page = await (await get('/admin/mail?status=failed', cookie)).text()
    expect(page).toContain(to)
    expect(page).toContain('gave up after 6 attempts; last error: 503')
    expect(page).toContain(`/admin/mail/${failed!.id}/retry`)
    expect(page).not.toContain(`/admin/mail/${secret!.id}/retry`)

    await expectOneAuditRow(admin.id, 'admin.mail.retried', failed!.id, () => post(`/admin/mail/${failed!.id}/retry`, {}, cookie))
    const mail = await waitForMail(to, { template: 'welcome' })
    expect(mail.text).toContain('Retry Person')
    const again = await post(`/admin/mail/${failed!.id}/retry`, {}, cookie)
    expect([409]).toContain(again.status)
    expect((await post(`/admin/mail/${secret!.id}/retry`, {}, cookie)).status).toBe(409)
  })
})
