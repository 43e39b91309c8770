import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { users } from '../../src/auth/schema'
import { emailDeliveries } from '../../src/email/schema'
import { oauthAccounts, oauthLinkRequests } from '../../src/oauth/schema'
import { withDb } from '../helpers/db'
import { waitForMail } from '../helpers/mail'
import { waitForAccountDeleted } from '../helpers/account-deletion'
import { postForm, request } from '../helpers/http'
import { auditRowsAbout, signedInAdmin } from '../admin/helpers'
import { PASSWORD, createTestUser, get, login, loginCookie, mockHibp, post, randomEmail, randomIp, sessionCookieFrom } from '../auth/helpers'
import { callback, consent, installStandin, roundTrip, start, type Standin } from './standin'
import { addPasskey } from '../passkeys/helpers'
import { passkeys } from '../../src/passkeys/schema'

// Linking rules (issue 22, ADR 0099): never linked on a matching address alone; linked by the signed-in
// owner from settings or through the mailed confirmation; a provider account belongs to one user; unlinking
// never leaves an account without a way in.
let standin: Standin
beforeEach(() => { standin = installStandin().standin })
afterEach(() => vi.restoreAllMocks())

// Mails are queued before the response (the delivery row), so counting rows needs no wait for the consumer.
const queuedMails = async (to: string, template: string) =>
  (await withDb((db) => db.select().from(emailDeliveries).where(and(eq(emailDeliveries.recipient, to), eq(emailDeliveries.template, template))))).length
const linksOf = (userId: string) => withDb((db) => db.select().from(oauthAccounts).where(eq(oauthAccounts.userId, userId)))

/** A passwordless account made by signing up with GitHub, and its session cookie. */
async function githubOnlyAccount() {
  const email = randomEmail('gh')
  const res = await roundTrip(standin, 'github', 'verified', email)
  const [user] = await withDb((db) => db.select().from(users).where(eq(users.email, email)))
  return { user: user!, email, cookie: sessionCookieFrom(res)! }
}

describe('an existing account with the same address', () => {
  it('is never linked by the provider sign-in; its owner confirms by mail, which links without signing in', async () => {
    const owner = await createTestUser()
    const res = await roundTrip(standin, 'github', 'verified', owner.email)
    expect(res.status).toBe(202)
    expect(sessionCookieFrom(res)).toBeNull()
    expect(await res.text()).toContain('We sent a link to that address')
    expect(await linksOf(owner.id)).toEqual([])
    expect(await auditRowsAbout(owner.id, 'oauth.link_requested')).toHaveLength(1)

    const mail = await waitForMail(owner.email, { template: 'oauth-link-confirm' })
    const link = /https?:\/\/[^\s"]+\/oauth\/link\?token=([a-z2-7]+)/.exec(mail.text)!
    const token = link[1]!
    // Only the hash is stored.
    const [stored] = await withDb((db) => db.select().from(oauthLinkRequests).where(eq(oauthLinkRequests.userId, owner.id)))
    expect(stored!.tokenHash).not.toContain(token)

    // The GET only shows what would be linked (mail scanners follow links); the POST links.
    const page = await request(`/oauth/link?token=${token}`)
    expect(page.status).toBe(200)
    // A URL with a token is never stored by a browser or a cache (checklist 15).
    expect(page.headers.get('cache-control')).toBe('no-store')
    expect(await linksOf(owner.id)).toEqual([])
    const confirmed = await postForm('/oauth/link', { token })
    expect(confirmed.status).toBe(303)
    expect(confirmed.headers.get('location')).toBe('/login')
    expect(sessionCookieFrom(confirmed)).toBeNull()
    expect(await linksOf(owner.id)).toMatchObject([{ provider: 'github', email: owner.email }])
    expect(await auditRowsAbout(owner.id, 'oauth.linked')).toHaveLength(1)
    expect(await queuedMails(owner.email, 'security-notice')).toBe(1)

    // Single use; and from now on GitHub signs in to the owner's account.
    expect((await postForm('/oauth/link', { token })).status).toBe(400)
    const signIn = await roundTrip(standin, 'github', 'verified', owner.email)
    expect(signIn.status).toBe(303)
    expect(sessionCookieFrom(signIn)).not.toBeNull()
  })

  it('an address the provider has not verified links nothing and asks nobody to confirm', async () => {
    const owner = await createTestUser()
    for (const provider of ['github', 'google'] as const) {
      const res = await roundTrip(standin, provider, 'unverified', owner.email)
      expect(res.status).toBe(403)
      expect(sessionCookieFrom(res)).toBeNull()
    }
    expect(await linksOf(owner.id)).toEqual([])
    expect(await withDb((db) => db.select().from(oauthLinkRequests).where(eq(oauthLinkRequests.userId, owner.id)))).toEqual([])
    expect(await queuedMails(owner.email, 'oauth-link-confirm')).toBe(0)
  })

  it('a confirmation is void once the account’s address has changed', async () => {
    const owner = await createTestUser()
    expect((await roundTrip(standin, 'google', 'verified', owner.email)).status).toBe(202)
    const token = /\/oauth\/link\?token=([a-z2-7]+)/.exec((await waitForMail(owner.email, { template: 'oauth-link-confirm' })).text)![1]!
    await withDb((db) => db.update(users).set({ email: randomEmail('moved') }).where(eq(users.id, owner.id)))
    expect((await postForm('/oauth/link', { token })).status).toBe(400)
    expect(await linksOf(owner.id)).toEqual([])
  })

  it('a malformed or unknown confirmation token is refused with 400', async () => {
    expect((await request('/oauth/link?token=nope')).status).toBe(400)
    expect((await postForm('/oauth/link', { token: 'a'.repeat(32) })).status).toBe(400)
  })
})

describe('linking from settings', () => {
  it('links the provider account to the signed-in user, with an audit row and a notice', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const res = await roundTrip(standin, 'google', 'verified', randomEmail('other-address'), { cookie, link: true })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/settings')
    expect(await linksOf(user.id)).toMatchObject([{ provider: 'google' }])
    expect(await auditRowsAbout(user.id, 'oauth.linked')).toHaveLength(1)
    expect(await queuedMails(user.email, 'security-notice')).toBe(1)
    const settings = await (await get('/settings', cookie)).text()
    expect(settings).toContain('Linked accounts')
    expect(settings).toContain('Unlink Google')
  })

  it('completes only in the session that asked: a link round trip ending in another session links nothing', async () => {
    const user = await createTestUser()
    const asking = await loginCookie(user.email)
    const started = await start('github', { cookie: asking, link: true })
    const back = await consent(standin, started.authorizeUrl, 'verified', randomEmail())
    const res = await callback(back, [started.cookie, await loginCookie(user.email)])
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('Back to settings')
    expect(await linksOf(user.id)).toEqual([])
  })

  it('the same provider account again is already linked; a second account at the same provider is refused', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    const first = randomEmail('first')
    expect((await roundTrip(standin, 'github', 'verified', first, { cookie, link: true })).status).toBe(303)
    const again = await roundTrip(standin, 'github', 'verified', first, { cookie, link: true })
    expect(again.status).toBe(303)
    expect(again.headers.get('location')).toBe('/settings')
    const second = await roundTrip(standin, 'github', 'verified', randomEmail('second'), { cookie, link: true })
    expect(second.status).toBe(409)
    expect(await second.text()).toContain('already has another GitHub account linked')
    expect(await linksOf(user.id)).toMatchObject([{ email: first }])
  })

  it('refuses a provider account already linked to another user', async () => {
    const taken = await githubOnlyAccount()
    const user = await createTestUser()
    const res = await roundTrip(standin, 'github', 'verified', taken.email, { cookie: await loginCookie(user.email), link: true })
    expect(res.status).toBe(409)
    expect(await res.text()).toContain('already linked to another account')
    expect(await linksOf(user.id)).toEqual([])
  })

  it('needs a session, and an impersonating admin may not link or unlink', async () => {
    const anonymous = await postForm('/settings/oauth/github/link', {})
    expect(anonymous.status).toBe(303)
    expect(anonymous.headers.get('location')).toMatch(/^\/login/)
    const { cookie } = await signedInAdmin()
    const user = await createTestUser()
    const asUser = sessionCookieFrom(await post(`/admin/users/${user.id}/impersonate`, { password: PASSWORD }, cookie))!
    expect((await post('/settings/oauth/github/link', {}, asUser)).status).toBe(403)
    expect((await post('/settings/oauth/github/unlink', {}, asUser)).status).toBe(403)
  })
})

describe('unlinking', () => {
  it('is refused when the provider is the only way in; allowed once a password exists', async () => {
    const { user, cookie } = await githubOnlyAccount()
    const refused = await post('/settings/oauth/github/unlink', {}, cookie)
    expect(refused.status).toBe(409)
    expect(await refused.text()).toContain('only way to sign in')
    expect(await linksOf(user.id)).toHaveLength(1)

    const withPassword = await createTestUser()
    const passwordCookie = await loginCookie(withPassword.email)
    expect((await roundTrip(standin, 'github', 'verified', randomEmail(), { cookie: passwordCookie, link: true })).status).toBe(303)
    const res = await post('/settings/oauth/github/unlink', {}, passwordCookie)
    expect(res.status).toBe(303)
    expect(await linksOf(withPassword.id)).toEqual([])
    expect(await auditRowsAbout(withPassword.id, 'oauth.unlinked')).toHaveLength(1)
    // One notice for the link, one for the unlink.
    expect(await queuedMails(withPassword.email, 'security-notice')).toBe(2)
  })

  // The routes end to end (303 and 409); which request wins is timing, so the interleaving itself is
  // forced in test/auth/sign-in-removal.test.ts.
  it('two unlinks of the last two ways in at once: exactly one succeeds (the check and the delete are one step)', async () => {
    const { user, cookie } = await githubOnlyAccount()
    // A second way in: Google linked too (the row as a finished link leaves it).
    await withDb((db) => db.insert(oauthAccounts).values({ userId: user.id, provider: 'google', providerUserId: `g-${user.id}`, email: user.email, emailVerified: true }))
    const answers = await Promise.all([post('/settings/oauth/github/unlink', {}, cookie), post('/settings/oauth/google/unlink', {}, cookie)])
    expect(answers.map((r) => r.status).sort()).toEqual([303, 409])
    expect(await linksOf(user.id)).toHaveLength(1)
    expect(await auditRowsAbout(user.id, 'oauth.unlinked')).toHaveLength(1)
  })

  it('an unlink and a passkey removal at once, the account’s last two ways in: exactly one succeeds (one lock for every feature)', async () => {
    const { user, cookie } = await githubOnlyAccount()
    const { key } = await addPasskey(cookie, 'Only key')
    const answers = await Promise.all([post('/settings/oauth/github/unlink', {}, cookie), post('/passkeys/remove', { id: key.id }, cookie)])
    expect(answers.map((r) => r.status).sort()).toEqual([303, 409])
    const left = (await linksOf(user.id)).length + (await withDb((db) => db.select().from(passkeys).where(eq(passkeys.userId, user.id)))).length
    expect(left).toBe(1)
  })

  it('a provider that is not linked answers 404', async () => {
    const user = await createTestUser()
    expect((await post('/settings/oauth/google/unlink', {}, await loginCookie(user.email))).status).toBe(404)
  })
})

describe('the routes’ guards', () => {
  it('refuse a cross-site POST (CSRF) on every state-changing route', async () => {
    for (const path of ['/oauth/github', '/oauth/link', '/settings/oauth/github/link', '/settings/oauth/github/unlink']) {
      const res = await postForm(path, {}, { headers: { origin: 'https://evil.example' } })
      expect(res.status, path).toBe(403)
    }
  })

  it('refuse an oversized body (413)', async () => {
    const big = 'x'.repeat(200_000)
    for (const path of ['/oauth/github', '/oauth/link']) expect((await postForm(path, { next: big })).status, path).toBe(413)
  })

  it('throttle starting round trips per address (429 with Retry-After)', async () => {
    const ip = randomIp()
    for (let i = 0; i < 20; i++) await start('github', { ip })
    const res = await postForm('/oauth/github', {}, { headers: { 'cf-connecting-ip': ip } })
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('throttle callbacks and link confirmations per address', async () => {
    const ip = randomIp()
    for (let i = 0; i < 30; i++) expect((await request('/oauth/github/callback?code=c&state=s', { headers: { 'cf-connecting-ip': ip } })).status).toBe(400)
    expect((await request('/oauth/github/callback?code=c&state=s', { headers: { 'cf-connecting-ip': ip } })).status).toBe(429)
    const other = randomIp()
    for (let i = 0; i < 30; i++) await postForm('/oauth/link', { token: 'a'.repeat(32) }, { headers: { 'cf-connecting-ip': other } })
    expect((await postForm('/oauth/link', { token: 'a'.repeat(32) }, { headers: { 'cf-connecting-ip': other } })).status).toBe(429)
  })

  it('throttle linking and unlinking per user', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    for (let i = 0; i < 10; i++) await start('github', { cookie, link: true })
    expect((await post('/settings/oauth/github/link', {}, cookie)).status).toBe(429)
  })
})

describe('account deletion', () => {
  it('removes the linked accounts and pending link confirmations (registry accountCleanups)', async () => {
    const user = await createTestUser()
    const cookie = await loginCookie(user.email)
    expect((await roundTrip(standin, 'github', 'verified', randomEmail(), { cookie, link: true })).status).toBe(303)
    // A Google sign-in with the account's address waits for the mailed confirmation: a link request row.
    expect((await roundTrip(standin, 'google', 'verified', user.email)).status).toBe(202)
    const requestsOf = () => withDb((db) => db.select().from(oauthLinkRequests).where(eq(oauthLinkRequests.userId, user.id)))
    expect(await requestsOf()).toHaveLength(1)
    expect((await post('/settings/delete', { delete_current_password: PASSWORD }, cookie)).status).toBe(303)
    await waitForAccountDeleted(user.id)
    expect(await linksOf(user.id)).toEqual([])
    expect(await requestsOf()).toEqual([])
  })

  it('a passwordless account is offered to set a password by mail, and the password-confirmed steps say so', async () => {
    const { email, cookie } = await githubOnlyAccount()
    const settings = await (await get('/settings', cookie)).text()
    expect(settings).toContain('Email me a link to set a password')
    expect(settings).not.toContain('Change password')
    // No password field that could never be right: the email and deletion cards point to setting one.
    expect(settings).not.toContain('name="email_current_password"')
    expect(settings).not.toContain('name="delete_current_password"')
    expect(settings.match(/<a href="#password-title">Set a password first<\/a>/g)).toHaveLength(2)
    const refused = await post('/settings/delete', { delete_current_password: 'anything at all' }, cookie)
    expect(refused.status).toBe(401)
    expect(await refused.text()).toContain('no password yet')
    const emailRefused = await post('/settings/email', { email: randomEmail(), email_current_password: 'anything at all' }, cookie, { htmx: true })
    expect(emailRefused.status).toBe(401)
    const fragment = await emailRefused.text()
    expect(fragment).toContain('no password yet')
    expect(fragment).toContain('Set a password first')
    expect((await postForm('/forgot-password', { email })).status).toBeLessThan(400)
    // The reset mail is queued after the answer (no enumeration by timing): wait for it.
    await waitForMail(email, { template: 'password-reset' })
  })

  it('setting a first password through the reset link is a new way in: the owner is mailed', async () => {
    // The breach check's HIBP call faked under the stand-in (each chains onto the fetch before it).
    vi.restoreAllMocks()
    mockHibp()
    standin = installStandin().standin
    const { email } = await githubOnlyAccount()
    expect((await postForm('/forgot-password', { email })).status).toBeLessThan(400)
    const token = /reset-password\?token=([a-z2-7]{32})/.exec((await waitForMail(email, { template: 'password-reset' })).text)![1]!
    expect((await post('/reset-password', { token, password: 'a first passphrase of my own' })).status).toBe(303)
    const notice = await waitForMail(email, { template: 'security-notice' })
    expect(notice.text).toContain('A password was set for your account')
    expect((await login(email, 'a first passphrase of my own')).status).toBe(303)
  })
})
