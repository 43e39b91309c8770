import { eq } from 'drizzle-orm'
import { request, ORIGIN } from '../helpers/http'
import { withDb } from '../helpers/db'
import { loginCookie, createTestUser } from '../auth/helpers'
import { passkeys } from '../../src/passkeys/schema'
import { SoftwareAuthenticator, type Ceremony } from './authenticator'

export const RP_ID = new URL(ORIGIN).hostname

/** A POST as the page's script sends it: JSON, same origin. */
export function postJson(path: string, body: unknown, cookie?: string, headers: Record<string, string> = {}): Promise<Response> {
  const h = new Headers({ 'content-type': 'application/json', accept: 'application/json', ...headers })
  if (cookie) h.set('cookie', cookie)
  return request(path, { method: 'POST', headers: h, body: typeof body === 'string' ? body : JSON.stringify(body) })
}

export async function ceremonyFrom(res: Response, overrides: Partial<Ceremony> = {}): Promise<Ceremony> {
  if (res.status !== 200) throw new Error(`options: ${res.status} ${await res.text()}`)
  const options = (await res.json()) as { challenge: string }
  return { rpId: RP_ID, origin: ORIGIN, challenge: options.challenge, ...overrides }
}

/** A signed-in user with a password (one way in already). */
export async function signedInUser() {
  const user = await createTestUser()
  return { user, cookie: await loginCookie(user.email) }
}

/** Adds a passkey through the real endpoints; returns the authenticator and the final response. */
export async function addPasskey(cookie: string, name = 'Test key', authenticator?: SoftwareAuthenticator) {
  const key = authenticator ?? (await SoftwareAuthenticator.create())
  const ceremony = await ceremonyFrom(await postJson('/passkeys/register/options', {}, cookie))
  const res = await postJson('/passkeys/register', { name, response: await key.register(ceremony) }, cookie)
  return { key, res }
}

export async function loginOptions(ip?: string): Promise<Ceremony> {
  return ceremonyFrom(await postJson('/passkeys/login/options', {}, undefined, ip ? { 'cf-connecting-ip': ip } : {}))
}

export function passkeyRow(id: string) {
  return withDb(async (db) => (await db.select().from(passkeys).where(eq(passkeys.id, id)))[0] ?? null)
}
