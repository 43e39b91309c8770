import type { Context } from 'hono'

// htmx sets HX-Request on its own requests; boosted navigations want full pages, not fragments.
export function isHtmxRequest(c: Context): boolean {
  return c.req.header('hx-request') === 'true' && c.req.header('hx-boosted') !== 'true'
}
