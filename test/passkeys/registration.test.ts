import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { get, mockHibp } from '../auth/helpers'
import { auditRowsBy } from '../admin/helpers'
import { waitForMail } from '../helpers/mail'
import { SoftwareAuthenticator } from './authenticator'
import { addPasskey, ceremonyFrom, passkeyRow, postJson, RP_ID, signedInUser } from './helpers'

vi.setConfig({ testTimeout: 60_000 })
beforeEach(() => { mockHibp() })
afterEach(() => vi.restoreAllMocks())

describe('adding a passkey', () => {
  it('registers a discoverable, user-verified credential under its name; audited and mailed', async () => {
    const { user, cookie } = await signedInUser()
    const optionsRes = await postJson('/passkeys/register/options', {}, cookie)
    expect(optionsRes.status).toBe(200)
    const options = (await optionsRes.clone().json()) as { rp: { id: string }; authenticatorSelection: Record<string, string>; user: { name: string } }
    expect(options.rp.id).toBe(RP_ID)
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' })
    expect(options.user.name).toBe(user.email)

    const key = await SoftwareAuthenticator.create()
    const res = await postJson('/passkeys/register', { name: 'Work laptop', response: await key.register(await ceremonyFrom(optionsRes)) }, cookie)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ redirect: '/settings' })
    expect(await passkeyRow(key.id)).toMatchObject({ userId: user.id, name: 'Work laptop', counter: 0, transports: ['internal'], lastUsedAt: null })
    expect(await auditRowsBy(user.id, 'passkey.added')).toMatchObject([{ targetId: user.id, detail: { name: 'Work laptop' } }])
    const mail = await waitForMail(user.email, { template: 'security-notice' })
    expect(mail.text).toContain('Work laptop')

    const settings = await (await get('/settings', cookie)).text()
    expect(settings).toContain('Work laptop')
    expect(settings).toContain('not used yet')
  })

  it('a replayed registration finds no challenge: 400, nothing added twice', async () => {
    const { cookie } = await signedInUser()
    const key = await SoftwareAuthenticator.create()
    const ceremony = await ceremonyFrom(await postJson('/passkeys/register/options', {}, cookie))
    const response = await key.register(ceremony)
    expect((await postJson('/passkeys/register', { name: 'A', response }, cookie)).status).toBe(200)
    const replay = await postJson('/passkeys/register', { name: 'B', response }, cookie)
    expect(replay.status).toBe(400)
    expect(((await replay.json()) as { error: string }).error).toMatch(/already used/)
    expect((await passkeyRow(key.id))!.name).toBe('A')
  })

  it('refuses another origin, another RP ID and a response without user verification', async () => {
    const { cookie } = await signedInUser()
    const cases = [
      { origin: 'http://evil.example' },
      { rpId: 'evil.example' },
    ]
    for (const override of cases) {
      const key = await SoftwareAuthenticator.create()
      const ceremony = await ceremonyFrom(await postJson('/passkeys/register/options', {}, cookie), override)
      const res = await postJson('/passkeys/register', { name: 'X', response: await key.register(ceremony) }, cookie)
      expect(res.status, JSON.stringify(override)).toBe(400)
      expect(await passkeyRow(key.id)).toBeNull()
    }
    const key = await SoftwareAuthenticator.create()
    const ceremony = await ceremonyFrom(await postJson('/passkeys/register/options', {}, cookie))
    const res = await postJson('/passkeys/register', { name: 'X', response: await key.register(ceremony, { userVerified: false }) }, cookie)
    expect(res.status).toBe(400)
    expect(await passkeyRow(key.id)).toBeNull()
  })

  it('a challenge is the user’s own: another account cannot answer it', async () => {
    const a = await signedInUser()
    const b = await signedInUser()
    const key = await SoftwareAuthenticator.create()
    const ceremony = await ceremonyFrom(await postJson('/passkeys/register/options', {}, a.cookie))
    const res = await postJson('/passkeys/register', { name: 'X', response: await key.register(ceremony) }, b.cookie)
    expect(res.status).toBe(400)
  })

  it('the same credential cannot be added twice; a bad name or body is a clear 4xx', async () => {
    const { cookie } = await signedInUser()
    const { key } = await addPasskey(cookie)
    const again = await addPasskey(cookie, 'Again', key)
    expect(again.res.status).toBe(409)
    const ceremony = await ceremonyFrom(await postJson('/passkeys/register/options', {}, cookie))
    const long = await postJson('/passkeys/register', { name: 'x'.repeat(65), response: await (await SoftwareAuthenticator.create()).register(ceremony) }, cookie)
    expect(long.status).toBe(422)
    expect(((await long.json()) as { error: string }).error).toMatch(/at most 64/)
    for (const body of ['not json', '[]', '{}', JSON.stringify({ response: { response: { clientDataJSON: '%%%' } } })]) {
      const res = await postJson('/passkeys/register', body, cookie)
      expect(res.status, body).toBe(400)
      expect(((await res.json()) as { error: string }).error).toMatch(/not a passkey response/)
    }
  })

  it('needs a session: 401 JSON for a visitor', async () => {
    for (const path of ['/passkeys/register/options', '/passkeys/register']) {
      const res = await postJson(path, {})
      expect(res.status, path).toBe(401)
      expect(((await res.json()) as { error: string }).error).toMatch(/Log in again/)
    }
  })
})
