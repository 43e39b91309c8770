import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import { configOf, type AppContext, type AppEnv, type Flash } from './types'

const COOKIE = 'qs_flash'
const KINDS = new Set(['success', 'info', 'warning', 'danger'])

// One-shot message carried across a POST → redirect → GET (no-JS forms keep working).
export function setFlash(c: AppContext, kind: Flash['kind'], message: string): void {
  setCookie(c, COOKIE, JSON.stringify({ kind, message: message.slice(0, 300) }), {
    path: '/', httpOnly: true, sameSite: 'Lax', maxAge: 60, secure: configOf(c).isProduction,
  })
}

export const flashMessages = createMiddleware<AppEnv>(async (c, next) => {
  c.set('flash', null)
  const raw = getCookie(c, COOKIE)
  if (raw !== undefined) {
    try {
      const parsed = JSON.parse(raw) as Partial<Flash>
      if (typeof parsed.message === 'string' && KINDS.has(parsed.kind as string)) {
        c.set('flash', { kind: parsed.kind as Flash['kind'], message: parsed.message })
      }
    } catch {
      // A mangled cookie is dropped, never shown.
    }
    deleteCookie(c, COOKIE, { path: '/' })
  }
  await next()
})
