import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { and, eq, inArray } from 'drizzle-orm'
import { applyEmailVerification, createEmailVerification } from '../../src/auth/email-verification'
import { createPasswordResetToken, findValidResetToken } from '../../src/auth/password-reset'
import { emailVerifications, users } from '../../src/auth/schema'
import { emailDeliveries } from '../../src/email/schema'
import { withDb } from '../helpers/db'
import { waitForMail } from '../helpers/mail'
import { PASSWORD, createTestUser, get, loginCookie, mockHibp, post, randomEmail, randomIp, sessionCookieFrom } from './helpers'

// Issue 9, findings 1, 2 and 10: account recovery must win over anything requested before it.
beforeEach(() => { mockHibp() })
afterEach(() => vi.restoreAllMocks())

async function userRow(id: string) {
  return (await withDb((db) => db.select().from(users).where(eq(users.id, id))))[0]!
}

async function pendingVerifications(userId: string) {
  return withDb((db) => db.select().from(emailVerifications).where(eq(emailVerifications.userId, userId)))
}

function linkToken(text: string): string {
  const m = /verify-email\?token=([a-z2-7]{32})/.exec(text)
  if (!m) throw new Error(`no verification link in: ${text}`)
  return m[1]!
}

async function requestEmailChange(cookie: string, to: string, ip = randomIp()) {
  return post('/settings/email', { email: to, email_current_password: PASSWORD }, cookie, { headers: { 'cf-connecting-ip': ip } })
}

async function verificationMailsTo(addresses: string[]) {
  return withDb((db) => db.select().from(emailDeliveries)
    .where(and(inArray(emailDeliveries.recipient, addresses), eq(emailDeliveries.template, 'verify-email'))))
}

describe('finding 1: the pre-registration account takeover', () => {
  it('a password reset voids a pending email change, so the attacker link no longer moves the account', async () => {
    const victim = randomEmail('victim')
    const attacker = randomEmail('attacker')
    // The attacker signs up with the victim's address (never verified) and asks to move the account to theirs.
    const signup = await post('/signup', { name: 'Mallory', email: victim, password: PASSWORD })
    expect(signup.status).toBe(303)
    const attackerCookie = sessionCookieFrom(signup)!
    expect((await requestEmailChange(attackerCookie, attacker)).status).toBe(303)
    const token = linkToken((await waitForMail(attacker, { template: 'verify-email' })).text)
    const account = (await withDb((db) => db.select().from(users).where(eq(users.email, victim))))[0]!

    // The real owner finds the address taken and resets the password through the mailed link.
    const reset = await withDb((db) => createPasswordResetToken(db, account.id, new Date()))
    expect((await post('/reset-password', { token: reset.token, password: 'the owner passphrase' })).status).toBe(303)
    expect(await pendingVerifications(account.id)).toHaveLength(0)

    // The attacker's link, which needs no session, now does nothing.
    const confirm = await post('/verify-email', { token })
    expect(confirm.status).toBe(400)
    const after = await userRow(account.id)
    expect(after.email).toBe(victim)
    expect((await get('/settings', attackerCookie)).status).toBe(303)
  })

  it('a password change in settings voids a pending email change and an outstanding verification', async () => {
    const user = await createTestUser({ verified: false })
    const cookie = await loginCookie(user.email)
    const target = randomEmail('target')
    expect((await requestEmailChange(cookie, target)).status).toBe(303)
    const token = linkToken((await waitForMail(target, { template: 'verify-email' })).text)
    const changed = await post('/settings/password', { current_password: PASSWORD, new_password: 'a different passphrase' }, cookie)
    expect(changed.status).toBe(303)
    expect(await pendingVerifications(user.id)).toHaveLength(0)
    expect((await post('/verify-email', { token })).status).toBe(400)
    expect((await userRow(user.id)).email).toBe(user.email)
  })

  it('confirming needs proof that is still current: a verification issued before the security state changed is refused', async () => {
    const user = await createTestUser()
    const target = randomEmail('target')
    await withDb((db) => createEmailVerification(db, user.id, target, new Date()))
    // Any change of the account's security state (here rotated directly, as a future flow might) ends the proof.
    await withDb((db) => db.update(users).set({ securityStamp: crypto.randomUUID() }).where(eq(users.id, user.id)))
    const result = await withDb((db) => applyEmailVerification(db, user.id, target, new Date()))
    expect(result).toEqual({ ok: false, reason: 'used' })
    expect((await userRow(user.id)).email).toBe(user.email)
  })

  it('an unchanged security state still confirms the change (the stamp is captured at request time)', async () => {
    const user = await createTestUser()
    const target = randomEmail('target')
    await withDb((db) => createEmailVerification(db, user.id, target, new Date()))
    const result = await withDb((db) => applyEmailVerification(db, user.id, target, new Date()))
    expect(result).toEqual({ ok: true, previousEmail: user.email })
    expect((await userRow(user.id)).email).toBe(target)
  })

  it('a confirmed email change kills reset links mailed to the old address and rotates the stamp', async () => {
    const user = await createTestUser()
    const before = (await userRow(user.id)).securityStamp
    const { token } = await withDb((db) => createPasswordResetToken(db, user.id, new Date()))
    const target = randomEmail('target')
    await withDb((db) => createEmailVerification(db, user.id, target, new Date()))
    expect((await withDb((db) => applyEmailVerification(db, user.id, target, new Date()))).ok).toBe(true)
    expect(await withDb((db) => findValidResetToken(db, token, new Date()))).toBeNull()
    expect((await userRow(user.id)).securityStamp).not.toBe(before)
  })
})

describe('finding 2: email-change mail is throttled', () => {
  it('per account: ten successful re-authentications do not queue ten mails', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const targets = Array.from({ length: 10 }, () => randomEmail('flood'))
    const statuses: number[] = []
    for (const to of targets) statuses.push((await requestEmailChange(cookie, to)).status)
    expect(statuses.filter((s) => s === 303)).toHaveLength(3)
    expect(statuses.slice(3).every((s) => s === 429)).toBe(true)
    expect(await verificationMailsTo(targets)).toHaveLength(3)
    const refused = await requestEmailChange(cookie, randomEmail('flood'))
    expect(await refused.text()).toContain('Too many email change requests')
  })

  it('per target address: many accounts cannot mail one address without limit', async () => {
    const target = randomEmail('target')
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) {
      const user = await createTestUser()
      statuses.push((await requestEmailChange(await loginCookie(user.email), target)).status)
    }
    expect(statuses).toEqual([303, 303, 303, 429, 429])
    expect(await verificationMailsTo([target])).toHaveLength(3)
  })

  it('htmx gets the form fragment with the message and 429', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    for (let i = 0; i < 3; i++) await requestEmailChange(cookie, randomEmail('flood'))
    const res = await post('/settings/email', { email: randomEmail('flood'), email_current_password: PASSWORD }, cookie, { htmx: true })
    expect(res.status).toBe(429)
    const html = await res.text()
    expect(html).toContain('id="email-form"')
    expect(html).not.toContain('<html')
  })
})

describe('finding 10: a new password equal to the current one', () => {
  it('is refused with a clear message, and nothing changes', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const other = await loginCookie(user.email)
    const before = await userRow(user.id)
    const res = await post('/settings/password', { current_password: PASSWORD, new_password: PASSWORD }, cookie, { htmx: true })
    expect(res.status).toBe(422)
    expect(await res.text()).toContain('Choose a password different from your current one.')
    expect((await userRow(user.id)).passwordHash).toBe(before.passwordHash)
    expect((await get('/settings', other)).status).toBe(200)
  })
})
