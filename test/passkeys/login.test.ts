import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { desc, eq } from 'drizzle-orm'
import { get, mockHibp, randomIp, sessionCookieFrom } from '../auth/helpers'
import { auditRowsAbout } from '../admin/helpers'
import { withDb } from '../helpers/db'
import { sessions, totpCredentials, users } from '../../src/auth/schema'
import { webauthnChallenges } from '../../src/passkeys/schema'
import { addPasskey, loginOptions, passkeyRow, postJson, signedInUser } from './helpers'

vi.setConfig({ testTimeout: 60_000 })
beforeEach(() => { mockHibp() })
afterEach(() => vi.restoreAllMocks())

async function userWithPasskey() {
  const { user, cookie } = await signedInUser()
  const { key, res } = await addPasskey(cookie)
  if (res.status !== 200) throw new Error(`add: ${res.status}`)
  return { user, key }
}

const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error

describe('signing in with a passkey', () => {
  it('starts a session said to be by passkey, goes to next, records use and audits the login', async () => {
    const { user, key } = await userWithPasskey()
    const response = await key.assert(await loginOptions(), { userHandle: btoa(user.id) })
    const res = await postJson('/passkeys/login', { response, next: '/files' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ redirect: '/files' })
    const cookie = sessionCookieFrom(res)
    expect(cookie).not.toBeNull()
    expect((await get('/settings', cookie!)).status).toBe(200)
    const [session] = await withDb((db) => db.select().from(sessions).where(eq(sessions.userId, user.id)).orderBy(desc(sessions.createdAt)).limit(1))
    expect(session).toMatchObject({ signInMethod: 'passkey', secondFactor: null })
    expect(await passkeyRow(key.id)).toMatchObject({ counter: 1, lastUsedAt: expect.any(Date) })
    expect((await auditRowsAbout(user.id, 'auth.login'))[0]).toMatchObject({ actorId: user.id, detail: { method: 'passkey' } })
  })

  it('an unsafe next falls back to the dashboard', async () => {
    const { key } = await userWithPasskey()
    const res = await postJson('/passkeys/login', { response: await key.assert(await loginOptions()), next: '//evil.example' })
    expect(await res.json()).toEqual({ redirect: '/dashboard' })
  })

  it('skips the two-factor code step: a passkey with user verification is two factors', async () => {
    const { user, key } = await userWithPasskey()
    await withDb((db) => db.insert(totpCredentials).values({ userId: user.id, encryptedKey: 'unused-here', enabledAt: new Date() }))
    const res = await postJson('/passkeys/login', { response: await key.assert(await loginOptions()) })
    expect(await res.json()).toEqual({ redirect: '/dashboard' })
    expect(sessionCookieFrom(res)).not.toBeNull()
  })

  it('a replayed assertion finds no challenge: 400 with a clear message, no second session', async () => {
    const { key } = await userWithPasskey()
    const response = await key.assert(await loginOptions())
    expect((await postJson('/passkeys/login', { response })).status).toBe(200)
    const replay = await postJson('/passkeys/login', { response })
    expect(replay.status).toBe(400)
    expect(await errorOf(replay)).toMatch(/already used/)
    expect(sessionCookieFrom(replay)).toBeNull()
  })

  it('an expired challenge is refused and consumed', async () => {
    const { key } = await userWithPasskey()
    const ceremony = await loginOptions()
    await withDb((db) => db.update(webauthnChallenges).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(webauthnChallenges.challenge, ceremony.challenge)))
    const response = await key.assert(ceremony)
    const res = await postJson('/passkeys/login', { response })
    expect(res.status).toBe(400)
    expect(await errorOf(res)).toMatch(/expired/)
    expect(await errorOf(await postJson('/passkeys/login', { response }))).toMatch(/already used/)
  })

  it('refuses a wrong origin, a wrong RP ID, a missing user verification and a bad signature; each audited', async () => {
    const { user, key } = await userWithPasskey()
    const tries: Array<[string, (c: Awaited<ReturnType<typeof loginOptions>>) => Promise<Record<string, unknown>>]> = [
      ['origin', (c) => key.assert({ ...c, origin: 'http://evil.example' })],
      ['rp id', (c) => key.assert({ ...c, rpId: 'evil.example' })],
      ['no uv', (c) => key.assert(c, { userVerified: false })],
      ['signature', async (c) => {
        const r = await key.assert(c)
        const inner = r.response as Record<string, string>
        return { ...r, response: { ...inner, signature: inner.signature!.slice(0, -4) + 'AAAA' } }
      }],
    ]
    for (const [label, build] of tries) {
      const res = await postJson('/passkeys/login', { response: await build(await loginOptions()) })
      expect(res.status, label).toBe(400)
      expect(await errorOf(res), label).toMatch(/could not be verified/)
      expect(sessionCookieFrom(res), label).toBeNull()
    }
    expect((await auditRowsAbout(user.id, 'auth.login_failed')).length).toBe(tries.length)
  })

  it('a counter that does not grow refuses the sign-in and is audited; 0 and 0 (synced passkeys) is fine', async () => {
    const { user, key } = await userWithPasskey()
    expect((await postJson('/passkeys/login', { response: await key.assert(await loginOptions(), { counter: 5 }) })).status).toBe(200)
    const clone = await postJson('/passkeys/login', { response: await key.assert(await loginOptions(), { counter: 5 }) })
    expect(clone.status).toBe(403)
    expect(await errorOf(clone)).toMatch(/counter went backwards/)
    expect(sessionCookieFrom(clone)).toBeNull()
    expect((await auditRowsAbout(user.id, 'passkey.counter_mismatch'))[0]).toMatchObject({ detail: { stored: 5, reported: 5 } })
    expect((await passkeyRow(key.id))!.counter).toBe(5)

    const synced = await userWithPasskey()
    for (let i = 0; i < 2; i++) {
      const res = await postJson('/passkeys/login', { response: await synced.key.assert(await loginOptions(), { counter: 0 }) })
      expect(res.status).toBe(200)
    }
  })

  it('an unknown passkey and a deactivated account are refused', async () => {
    const { user, key } = await userWithPasskey()
    const stranger = await (await import('./authenticator')).SoftwareAuthenticator.create()
    const unknown = await postJson('/passkeys/login', { response: await stranger.assert(await loginOptions()) })
    expect(unknown.status).toBe(400)
    expect(await errorOf(unknown)).toMatch(/not registered here/)
    await withDb((db) => db.update(users).set({ deactivatedAt: new Date() }).where(eq(users.id, user.id)))
    const refused = await postJson('/passkeys/login', { response: await key.assert(await loginOptions()) })
    expect(refused.status).toBe(403)
    expect(await errorOf(refused)).toMatch(/deactivated/)
  })

  it('options offer no credential list (discoverable) and require user verification', async () => {
    const res = await postJson('/passkeys/login/options', {}, undefined, { 'cf-connecting-ip': randomIp() })
    const options = (await res.json()) as Record<string, unknown>
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'required' })
    expect(options.allowCredentials ?? []).toEqual([])
  })
})
