import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { eq } from 'drizzle-orm'
import { createTestUser, get, loginCookie, mockHibp, PASSWORD, post, randomIp, sessionCookieFrom } from '../auth/helpers'
import { auditRowsBy, signedInAdmin } from '../admin/helpers'
import { waitForAccountDeleted } from '../helpers/account-deletion'
import { withDb } from '../helpers/db'
import { waitForMail } from '../helpers/mail'
import { users } from '../../src/auth/schema'
import { passkeys, webauthnChallenges } from '../../src/passkeys/schema'
import { CHANGE_LIMIT, PASSKEY_JSON_MAX_BYTES, SIGN_IN_LIMIT } from '../../src/passkeys/json'
import { addPasskey, passkeyRow, postJson, signedInUser } from './helpers'

vi.setConfig({ testTimeout: 60_000 })
beforeEach(() => { mockHibp() })
afterEach(() => vi.restoreAllMocks())

const passkeysOf = (userId: string) => withDb((db) => db.select().from(passkeys).where(eq(passkeys.userId, userId)))

describe('managing passkeys in settings', () => {
  it('renames; a bad name is a clear 422; another account’s passkey is not found', async () => {
    const { user, cookie } = await signedInUser()
    const { key } = await addPasskey(cookie, 'Old')
    expect((await post('/passkeys/rename', { id: key.id, name: 'Phone' }, cookie)).status).toBe(303)
    expect((await passkeyRow(key.id))!.name).toBe('Phone')
    expect(await auditRowsBy(user.id, 'passkey.renamed')).toMatchObject([{ targetId: user.id, detail: { name: 'Phone' } }])
    const bad = await post('/passkeys/rename', { id: key.id, name: 'x'.repeat(65) }, cookie)
    expect(bad.status).toBe(422)
    expect(await bad.text()).toContain('at most 64 characters')
    const other = await signedInUser()
    expect((await post('/passkeys/rename', { id: key.id, name: 'Mine now' }, other.cookie)).status).toBe(404)
    expect((await post('/passkeys/remove', { id: key.id }, other.cookie)).status).toBe(404)
    expect((await passkeyRow(key.id))!.name).toBe('Phone')
  })

  it('removes a passkey when a password remains; audited and mailed', async () => {
    const { user, cookie } = await signedInUser()
    const { key } = await addPasskey(cookie, 'Tablet')
    const res = await post('/passkeys/remove', { id: key.id }, cookie)
    expect(res.status).toBe(303)
    expect(await passkeyRow(key.id)).toBeNull()
    expect(await auditRowsBy(user.id, 'passkey.removed')).toMatchObject([{ targetId: user.id, detail: { name: 'Tablet' } }])
    const mail = await waitForMail(user.email, { template: 'security-notice' })
    expect(mail.text).toContain('Tablet')
  })

  it('refuses to remove the last way to sign in, and allows it once another passkey exists', async () => {
    const { user, cookie } = await signedInUser()
    const first = await addPasskey(cookie, 'First')
    await withDb((db) => db.update(users).set({ passwordHash: null }).where(eq(users.id, user.id)))
    const refused = await post('/passkeys/remove', { id: first.key.id }, cookie)
    expect(refused.status).toBe(409)
    expect(await refused.text()).toContain('only way to sign in')
    expect(await passkeyRow(first.key.id)).not.toBeNull()
    await addPasskey(cookie, 'Second')
    expect((await post('/passkeys/remove', { id: first.key.id }, cookie)).status).toBe(303)
    expect(await passkeysOf(user.id)).toMatchObject([{ name: 'Second' }])
  })

  // The routes end to end (303 and 409); which request wins is timing, so the interleaving itself is
  // forced in test/auth/sign-in-removal.test.ts.
  it('two removals of the last two passkeys at once: exactly one succeeds (the check and the delete are one step)', async () => {
    const { user, cookie } = await signedInUser()
    const first = await addPasskey(cookie, 'First')
    const second = await addPasskey(cookie, 'Second')
    await withDb((db) => db.update(users).set({ passwordHash: null }).where(eq(users.id, user.id)))
    const answers = await Promise.all([post('/passkeys/remove', { id: first.key.id }, cookie), post('/passkeys/remove', { id: second.key.id }, cookie)])
    expect(answers.map((r) => r.status).sort()).toEqual([303, 409])
    expect(await passkeysOf(user.id)).toHaveLength(1)
    expect(await auditRowsBy(user.id, 'passkey.removed')).toHaveLength(1)
  })

  it('impersonation can look but not add, rename or remove', async () => {
    const { cookie: adminCookie } = await signedInAdmin()
    const user = await createTestUser()
    const { key } = await addPasskey(await loginCookie(user.email), 'Owner’s')
    const started = await post(`/admin/users/${user.id}/impersonate`, { password: PASSWORD }, adminCookie)
    const asUser = sessionCookieFrom(started)!
    expect((await get('/settings', asUser)).status).toBe(200)
    expect((await postJson('/passkeys/register/options', {}, asUser)).status).toBe(403)
    expect((await postJson('/passkeys/register', {}, asUser)).status).toBe(403)
    expect((await post('/passkeys/rename', { id: key.id, name: 'Support’s' }, asUser)).status).toBe(403)
    expect((await post('/passkeys/remove', { id: key.id }, asUser)).status).toBe(403)
    expect(await passkeysOf(user.id)).toMatchObject([{ name: 'Owner’s' }])
  })

  it('CSRF: cross-site JSON and form posts are refused', async () => {
    const { cookie } = await signedInUser()
    const crossSite = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }
    for (const path of ['/passkeys/register/options', '/passkeys/register', '/passkeys/login/options', '/passkeys/login']) {
      expect((await postJson(path, {}, cookie, crossSite)).status, path).toBe(403)
    }
    const { key } = await addPasskey(cookie)
    expect((await post('/passkeys/remove', { id: key.id }, cookie, { headers: crossSite })).status).toBe(403)
    expect(await passkeyRow(key.id)).not.toBeNull()
  })

  it('body limit: an oversized JSON body is 413 before any work, a form 413', async () => {
    const { cookie } = await signedInUser()
    const big = JSON.stringify({ response: 'x'.repeat(PASSKEY_JSON_MAX_BYTES + 1) })
    for (const path of ['/passkeys/register', '/passkeys/login']) expect((await postJson(path, big, cookie)).status, path).toBe(413)
    expect((await post('/passkeys/rename', { id: 'x', name: 'x'.repeat(70_000) }, cookie)).status).toBe(413)
  })

  it('throttles changes per account and sign-in attempts per address, with Retry-After', async () => {
    const { cookie } = await signedInUser()
    for (let i = 0; i < CHANGE_LIMIT.max; i++) await post('/passkeys/rename', { id: 'none', name: 'n' }, cookie)
    const changes = await postJson('/passkeys/register/options', {}, cookie)
    expect(changes.status).toBe(429)
    expect(Number(changes.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await post('/passkeys/remove', { id: 'none' }, cookie)).status).toBe(429)

    const ip = randomIp()
    for (let i = 0; i < SIGN_IN_LIMIT.max; i++) await postJson('/passkeys/login', {}, undefined, { 'cf-connecting-ip': ip })
    const signIn = await postJson('/passkeys/login/options', {}, undefined, { 'cf-connecting-ip': ip })
    expect(signIn.status).toBe(429)
    expect(((await signIn.json()) as { error: string }).error).toMatch(/Too many attempts/)
  })

  it('account deletion removes the passkeys and an unfinished registration’s challenge', async () => {
    const { user, cookie } = await signedInUser()
    await addPasskey(cookie)
    // Options asked for but never answered: the challenge row waits with the user's id.
    expect((await postJson('/passkeys/register/options', {}, cookie)).status).toBe(200)
    const challengesOf = () => withDb((db) => db.select().from(webauthnChallenges).where(eq(webauthnChallenges.userId, user.id)))
    expect(await challengesOf()).toHaveLength(1)
    expect((await post('/settings/delete', { delete_current_password: PASSWORD }, cookie)).status).toBe(303)
    await waitForAccountDeleted(user.id)
    expect(await passkeysOf(user.id)).toEqual([])
    expect(await challengesOf()).toEqual([])
  })
})
