import { env, exports } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import worker from '../../src/index'

export const ORIGIN = 'http://localhost'

// Requests as a same-origin browser would send them (CSRF middleware wants Origin on non-GET).
export function request(path: string, init: RequestInit & { htmx?: boolean } = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  const method = (init.method ?? 'GET').toUpperCase()
  if (method !== 'GET' && method !== 'HEAD' && !headers.has('origin')) headers.set('origin', ORIGIN)
  // Each unsaid client address is a new one, so the per-IP throttles (login, sign-up, contact) of
  // different tests never meet; a test about one address passes its own cf-connecting-ip.
  if (method !== 'GET' && method !== 'HEAD' && !headers.has('cf-connecting-ip')) headers.set('cf-connecting-ip', randomClientIp())
  if (init.htmx) headers.set('hx-request', 'true')
  return exports.default.fetch(new Request(new URL(path, ORIGIN), { ...init, headers, redirect: 'manual' }))
}

function randomClientIp(): string {
  const b = crypto.getRandomValues(new Uint8Array(3))
  return `10.${b[0]}.${b[1]}.${b[2]}`
}

export function postForm(path: string, fields: Record<string, string>, init: RequestInit & { htmx?: boolean } = {}) {
  return request(path, { ...init, method: 'POST', body: new URLSearchParams(fields) })
}

/**
 * A request whose work after the response (waitUntil) has finished when this resolves: the way to assert
 * that "nothing happened" without a sleep standing in for the condition.
 */
export async function requestSettled(path: string, init: RequestInit & { htmx?: boolean } = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  const method = (init.method ?? 'GET').toUpperCase()
  if (method !== 'GET' && method !== 'HEAD' && !headers.has('origin')) headers.set('origin', ORIGIN)
  if (init.htmx) headers.set('hx-request', 'true')
  const ctx = createExecutionContext()
  const res = await worker.fetch(new Request(new URL(path, ORIGIN), { ...init, headers, redirect: 'manual' }), env, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

export function postFormSettled(path: string, fields: Record<string, string>, init: RequestInit & { htmx?: boolean } = {}) {
  return requestSettled(path, { ...init, method: 'POST', body: new URLSearchParams(fields) })
}
