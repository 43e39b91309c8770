import { expect } from 'vitest'
import { request } from '../helpers/http'
import { post } from '../auth/helpers'

/** A full API key as the settings page shows it once. */
export const KEY = /qs_[a-z2-7]{8}_[a-z2-7]{32}/

/** Creates a key through the settings page (the real route) and returns it. */
export async function createKey(cookie: string, name = 'CI script'): Promise<string> {
  const res = await post('/settings/api-keys', { name }, cookie)
  expect(res.status).toBe(200)
  const key = KEY.exec(await res.text())?.[0]
  if (!key) throw new Error('no key in the response')
  return key
}

/** A request to the JSON API, with the key as a bearer token when given. */
export function api(path: string, key?: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers)
  if (key) headers.set('authorization', `Bearer ${key}`)
  return request(path, { ...init, headers })
}
