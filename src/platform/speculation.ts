import type { Hono, MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import type { AppContext, AppEnv } from './types'

/**
 * Speculative rendering of read-only pages (ADR 0106, issue 23). A GET route marked `readsOnly` may be
 * rendered for the identity its session had on this isolate's last request while that identity is being
 * checked: the session lookup and the page's own queries then travel in one database round trip instead
 * of two. Nothing of such a render leaves the Worker until the check agrees with what it assumed; when it
 * does not, the render is thrown away and the request is dispatched once more, from the top, with the
 * checked identity (`renderAgain`). Until the check settles, the request's database holds every statement
 * that is not a plain SELECT (platform/db.ts, `speculative`): a write runs only for a confirmed identity.
 *
 * What `readsOnly` promises, route and everything it renders (cards, sections): no write to anything but
 * Postgres (no Durable Object, R2, queue or KV write, no mail), and no response that streams.
 */
export const readsOnly: MiddlewareHandler<AppEnv> = async (_c, next) => {
  await next()
}

/** True for a GET whose route is marked `readsOnly`: it may be rendered before its session is confirmed. */
export function mayRenderSpeculatively(c: AppContext): boolean {
  return c.req.method === 'GET' && matchedRoutes(c).some((route) => route.handler === readsOnly)
}

// Requests whose first render was thrown away; `dispatch` runs each of them once more.
const rerun = new WeakSet<Request>()

/**
 * Throws this request's response away: the Worker dispatches it once more from the first middleware. The
 * response is replaced at once by a bare 503 (no header of the thrown-away one survives), so an app served
 * without `dispatch` (a test's `app.request`) fails closed instead of sending the render.
 */
export function renderAgain(c: AppContext): void {
  rerun.add(c.req.raw)
  c.res = undefined
  c.res = new Response('This page changed while it was being prepared. Reload it.', { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '1' } })
}

/**
 * The Worker's fetch: the app's, plus the one second dispatch a thrown-away speculative render asks for.
 * Only once: the second dispatch knows the checked identity and never speculates.
 */
export async function dispatch(app: Hono<AppEnv>, request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const response = await app.fetch(request, env, ctx)
  if (!rerun.delete(request)) return response
  await response.body?.cancel().catch(() => undefined)
  return app.fetch(request, env, ctx)
}
