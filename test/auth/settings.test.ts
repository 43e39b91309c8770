import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eq, inArray } from 'drizzle-orm'
import { env } from 'cloudflare:workers'
import { createEmailVerification } from '../../src/auth/email-verification'
import { createPasswordResetToken } from '../../src/auth/password-reset'
import { emailVerifications, sessions, users } from '../../src/auth/schema'
import { waitForAccountDeleted } from '../helpers/account-deletion'
import { emailDeliveries, emailOutbox } from '../../src/email/schema'
import { FORGOTTEN_RECIPIENT } from '../../src/email/forget-recipient'
import { withDb } from '../helpers/db'
import { auditRowsAbout } from '../admin/helpers'
import { waitForMail } from '../helpers/mail'
import { PASSWORD, createTestUser, flashCookieFrom, get, login, loginCookie, mockHibp, post, randomEmail, sessionCookieFrom } from './helpers'
import { stopClock } from '../helpers/clock'

beforeEach(() => { mockHibp(['password1234']) })
afterEach(() => vi.restoreAllMocks())

async function userRow(id: string) {
  return (await withDb((db) => db.select().from(users).where(eq(users.id, id))))[0]
}

describe('settings', () => {
  it('requires a session', async () => {
    expect((await get('/settings')).headers.get('location')).toBe('/login?next=%2Fsettings')
    expect((await post('/settings/name', { name: 'x' })).status).toBe(303)
  })

  it('changes the name, with a clear message for an empty one', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const empty = await post('/settings/name', { name: '   ' }, cookie, { htmx: true })
    expect(empty.status).toBe(422)
    expect(await empty.text()).toContain('Enter your name.')
    expect((await post('/settings/name', { name: 'Renamed Person' }, cookie)).status).toBe(303)
    expect((await userRow(user.id))!.name).toBe('Renamed Person')
  })

  it('changes the password only with the current one, and signs out every other session (checklist 3)', async () => {
    const user = await createTestUser()
    const mine = await loginCookie(user.email)
    const other = await loginCookie(user.email)
    const wrong = await post('/settings/password', { current_password: 'not it at all', new_password: 'a new passphrase' }, mine)
    expect(wrong.status).toBe(401)
    expect(await wrong.text()).toContain('Your current password is not correct.')
    const breached = await post('/settings/password', { current_password: PASSWORD, new_password: 'password1234' }, mine)
    expect(breached.status).toBe(422)
    const ok = await post('/settings/password', { current_password: PASSWORD, new_password: 'a new passphrase' }, mine)
    expect(ok.status).toBe(303)
    const fresh = sessionCookieFrom(ok)!
    expect(fresh).not.toBe(mine)
    expect((await get('/settings', other)).status).toBe(303)
    expect((await get('/settings', mine)).status).toBe(303)
    expect((await get('/settings', fresh)).status).toBe(200)
    expect((await login(user.email, 'a new passphrase')).status).toBe(303)
    // The owner is told, with the way back if it was not them (the old password no longer works).
    const notice = await waitForMail(user.email, { template: 'security-notice' })
    expect(notice.subject).toContain('Your password was changed')
    expect(notice.text).toContain('Forgot password?')
  })

  it('a password change kills reset links mailed before it', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const { token } = await withDb((db) => createPasswordResetToken(db, user.id, new Date()))
    expect((await post('/settings/password', { current_password: PASSWORD, new_password: 'a new passphrase' }, cookie)).status).toBe(303)
    expect((await post('/reset-password', { token, password: 'the attacker passphrase' })).status).toBe(400)
    expect((await login(user.email, 'a new passphrase')).status).toBe(303)
  })

  it('lists sessions with device and last seen, and revokes one (checklist 12)', async () => {
    const user = await createTestUser()
    const mine = await loginCookie(user.email)
    const res = await login(user.email, PASSWORD, {})
    const other = sessionCookieFrom(res)!
    const otherId = other.split('=')[1]!.split('.')[0]!
    const page = await (await get('/settings', mine)).text()
    expect(page).toContain('This device')
    expect(page).toContain(`/settings/sessions/${otherId}/revoke`)
    expect(page).toContain('UTC</time>')
    // Issue 20: the device as people say it, the raw header kept in the tooltip.
    const ua = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
    await withDb((db) => db.update(sessions).set({ userAgent: ua }).where(eq(sessions.id, otherId)))
    const named = await (await get('/settings', mine)).text()
    expect(named).toContain(`<span class="session-device" title="${ua}">Chrome on macOS</span>`)
    expect(named).toContain('aria-label="Sign out Chrome on macOS"')
    expect((await post(`/settings/sessions/${otherId}/revoke`, {}, mine)).status).toBe(303)
    expect((await get('/settings', other)).status).toBe(303)
    expect((await get('/settings', mine)).status).toBe(200)
  })

  it('signs out every other session at once, keeps this one, and audits how many ended (ASVS 5.0 V7.4.3)', async () => {
    const user = await createTestUser()
    const mine = await loginCookie(user.email)
    const others = [await loginCookie(user.email), await loginCookie(user.email)]
    const bystander = await createTestUser()
    const theirs = await loginCookie(bystander.email)
    expect(await (await get('/settings', mine)).text()).toContain('Sign out all other sessions')
    const res = await post('/settings/sessions/revoke-others', {}, mine)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/settings')
    for (const other of others) expect((await get('/settings', other)).status).toBe(303)
    // The flash travels in its own cookie to the page the redirect leads to.
    const page = await get('/settings', `${mine}; ${flashCookieFrom(res)}`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Signed out 2 other sessions.')
    // Alone now: no button to press.
    expect(html).not.toContain('Sign out all other sessions')
    expect((await get('/settings', theirs)).status).toBe(200)
    const rows = await auditRowsAbout(user.id, 'auth.other_sessions_revoked')
    expect(rows.map((r) => [r.actorId, r.detail])).toEqual([[user.id, { count: 2 }]])
    const again = await post('/settings/sessions/revoke-others', {}, mine)
    expect(await (await get('/settings', `${mine}; ${flashCookieFrom(again)}`)).text()).toContain('No other session was signed in.')
  })

  it("cannot revoke another user's session: 404, nothing changes (checklist 34)", async () => {
    const alice = await createTestUser()
    const bob = await createTestUser()
    const aliceCookie = await loginCookie(alice.email)
    const bobCookie = await loginCookie(bob.email)
    const bobId = bobCookie.split('=')[1]!.split('.')[0]!
    expect((await post(`/settings/sessions/${bobId}/revoke`, {}, aliceCookie)).status).toBe(404)
    expect((await get('/settings', bobCookie)).status).toBe(200)
  })

  it('changes the email only after the new address is verified, and notifies the old one (checklist 11)', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const newEmail = randomEmail('new')
    const noPassword = await post('/settings/email', { email: newEmail, email_current_password: 'wrong password!' }, cookie)
    expect(noPassword.status).toBe(401)
    const taken = await createTestUser()
    expect((await post('/settings/email', { email: taken.email, email_current_password: PASSWORD }, cookie)).status).toBe(422)
    const res = await post('/settings/email', { email: newEmail, email_current_password: PASSWORD }, cookie)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/verify-email')
    // Nothing changed yet: the address still has to prove itself.
    expect((await userRow(user.id))!.email).toBe(user.email)
    const [pending] = await withDb((db) => db.select().from(emailVerifications).where(eq(emailVerifications.userId, user.id)))
    expect(pending!.email).toBe(newEmail)
    // Use a known code for the pending change (the mailed one is hashed).
    const { code } = await withDb((db) => createEmailVerification(db, user.id, newEmail, new Date()))
    const verified = await post('/verify-email', { code }, cookie)
    expect(verified.status).toBe(303)
    expect((await userRow(user.id))!.email).toBe(newEmail)
    expect((await login(newEmail)).status).toBe(303)
    expect((await login(user.email)).status).toBe(401)
    // The old address is told, through the real queue consumer (checklist 11).
    const notice = await waitForMail(user.email, { template: 'email-changed', timeoutMs: 10_000 })
    expect(notice.text).toContain(newEmail)
  })

  it('an email change needs the current password even with a valid session, and a wrong one changes nothing', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const res = await post('/settings/email', { email: randomEmail('new'), email_current_password: '' }, cookie)
    expect(res.status).toBe(401)
    expect(await withDb((db) => db.select().from(emailVerifications).where(eq(emailVerifications.userId, user.id)))).toHaveLength(0)
  })

  it('deletes the account with password confirmation, with every session (checklist 12)', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const other = await loginCookie(user.email)
    const wrong = await post('/settings/delete', { delete_current_password: 'nope nope nope' }, cookie)
    expect(wrong.status).toBe(401)
    expect(await userRow(user.id)).toBeDefined()
    const res = await post('/settings/delete', { delete_current_password: PASSWORD }, cookie)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/')
    // Signed out everywhere when the request answers (ADR 0084); the queue removes the row a moment later.
    expect(await withDb((db) => db.select().from(sessions).where(eq(sessions.userId, user.id)))).toHaveLength(0)
    expect((await get('/dashboard', other)).status).toBe(303)
    expect((await login(user.email)).status).toBeGreaterThanOrEqual(401)
    await waitForAccountDeleted(user.id)
    expect((await login(user.email)).status).toBe(401)
  })

  it('deleting one account leaves other users, their sessions and pending verifications alone', async () => {
    const leaving = await createTestUser()
    const staying = await createTestUser({ verified: false })
    const leavingCookie = await loginCookie(leaving.email)
    const stayingCookie = await loginCookie(staying.email)
    await withDb((db) => createEmailVerification(db, staying.id, staying.email, new Date()))
    const before = await userRow(staying.id)
    expect((await post('/settings/delete', { delete_current_password: PASSWORD }, leavingCookie)).status).toBe(303)
    await waitForAccountDeleted(leaving.id)
    expect(await withDb((db) => db.select().from(emailVerifications).where(eq(emailVerifications.userId, leaving.id)))).toHaveLength(0)
    expect(await userRow(staying.id)).toEqual(before)
    expect((await get('/dashboard', stayingCookie)).status).toBe(200)
    expect(await withDb((db) => db.select().from(emailVerifications).where(eq(emailVerifications.userId, staying.id)))).toHaveLength(1)
    // The address is free again: a new sign-up with it is a new account, not the old one back.
    expect((await login(leaving.email)).status).toBe(401)
  })

  it('deleting an account forgets its mail: outbox copies go, the delivery log keeps no address', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    // A real mail through the real queue consumer first: a password-reset request.
    expect((await post('/forgot-password', { email: user.email })).status).toBeLessThan(500)
    await waitForMail(user.email, { template: 'password-reset' })
    // This account's own delivery rows, by id: the shared table holds other accounts' forgotten rows too.
    const mine = await withDb((db) => db.select({ id: emailDeliveries.id, template: emailDeliveries.template }).from(emailDeliveries).where(eq(emailDeliveries.recipient, user.email)))
    expect(mine.map((d) => d.template)).toContain('password-reset')
    expect((await post('/settings/delete', { delete_current_password: PASSWORD }, cookie)).status).toBe(303)
    await waitForAccountDeleted(user.id)
    expect(await withDb((db) => db.select().from(emailOutbox).where(eq(emailOutbox.recipient, user.email)))).toHaveLength(0)
    expect(await withDb((db) => db.select().from(emailDeliveries).where(eq(emailDeliveries.recipient, user.email)))).toHaveLength(0)
    // The log keeps exactly those rows, each with the address replaced.
    const kept = await withDb((db) => db.select({ id: emailDeliveries.id, recipient: emailDeliveries.recipient }).from(emailDeliveries).where(inArray(emailDeliveries.id, mine.map((d) => d.id))))
    expect(kept.sort((a, b) => a.id.localeCompare(b.id))).toEqual(mine.map((d) => ({ id: d.id, recipient: FORGOTTEN_RECIPIENT })).sort((a, b) => a.id.localeCompare(b.id)))
  })

  // The deletion steps, their order, retries and the dead-letter path: test/auth/account-deletion.test.ts.

  it('re-authentication is throttled like login', async () => {
    stopClock()
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    await post('/settings/password', { current_password: 'wrong one 1', new_password: 'a new passphrase' }, cookie)
    await post('/settings/password', { current_password: 'wrong one 2', new_password: 'a new passphrase' }, cookie)
    const blocked = await post('/settings/password', { current_password: PASSWORD, new_password: 'a new passphrase' }, cookie)
    expect(blocked.status).toBe(429)
    expect(await blocked.text()).toContain('Too many attempts')
  })
})
