import type { Child } from 'hono/jsx'
import { isHtmxRequest } from '../platform/htmx'
import type { AppContext } from '../platform/types'

// Form fields as strings only: a repeated or file field is treated as missing, never as an object.
export async function readForm(c: AppContext): Promise<Record<string, string>> {
  const body = await c.req.parseBody()
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value
  return out
}

// The contact-form pattern: htmx gets the form fragment, a plain POST the whole page, same status.
export function respondWithForm(c: AppContext, status: 200 | 400 | 401 | 403 | 422 | 429, fragment: Child, page: Child, title: string) {
  c.status(status)
  return isHtmxRequest(c) ? c.html(fragment as string) : c.render(page as string, { title })
}

// After a successful form: htmx follows HX-Redirect (a full navigation, so the navbar updates); a plain
// POST gets 303 See Other.
export function redirectAfterPost(c: AppContext, location: string) {
  if (isHtmxRequest(c)) {
    c.header('HX-Redirect', location)
    return c.body(null, 204)
  }
  return c.redirect(location, 303)
}

export function clientIp(c: AppContext): string {
  return c.req.header('cf-connecting-ip') ?? 'unknown'
}
