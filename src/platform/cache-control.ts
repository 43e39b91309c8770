import type { AppContext } from './types'

/**
 * `Cache-Control: no-store` by default for every response that depends on who asks or carries a secret
 * (issue 9, finding 7; checklist 15; ASVS 14.3.2): the request sent a cookie (a session, a flash), the
 * response sets one (login, logout, verification), or the URL carries a `token` (reset and verification
 * links). A route that chose its own Cache-Control keeps it. Public pages fetched without cookies stay
 * cacheable. Platform knows no cookie names, so any cookie counts: on our origin, every cookie is a
 * session or a one-shot message.
 */
export function preventCachingOfPrivateResponses(c: AppContext): void {
  if (c.res.headers.has('cache-control')) return
  const readsCookie = c.req.header('cookie') !== undefined
  const setsCookie = c.res.headers.has('set-cookie')
  // Most URLs have no query string: no URL parse for them (issue 23).
  const carriesToken = c.req.url.includes('?') && new URL(c.req.url).searchParams.has('token')
  if (readsCookie || setsCookie || carriesToken) c.res.headers.set('Cache-Control', 'no-store')
}
