import { createMiddleware } from 'hono/factory'
import { isConfiguredHost, isDevelopment } from './env'
import { renderError } from './errors'
import type { AppEnv } from './types'

/**
 * Guard for development-only surfaces (/dev/*: the mail outbox with its reset links). Outside
 * development every such path is a 404. In development the request must name a configured host
 * (APP_URL's, 127.0.0.1, localhost, [::1]): a DNS-rebinding page reaches the loopback server under its
 * own name and must not read anything (issue 9, finding 8).
 */
export const developmentOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (!isDevelopment(c.env)) return c.notFound()
  if (!isConfiguredHost(c.env, c.req.url)) {
    return renderError(c, {
      status: 403,
      title: 'Unknown host name',
      message: "This development page answers only on 127.0.0.1, localhost and APP_URL's host name.",
    })
  }
  await next()
})
