import { Hono } from 'hono'
import { csrfProtection, database, requestContext } from './platform/middleware'
import { securityHeaders } from './platform/security-headers'
import { flashMessages } from './platform/flash'
import { layoutRenderer } from './platform/layout'
import { errorPage, notFoundPage } from './platform/errors'
import { healthRoutes } from './platform/health'
import type { AppEnv } from './platform/types'
import { homeRoutes } from './pages/home'
import { contactRoutes } from './pages/contact'
import { loadSession } from './auth/guards'
import { authRoutes } from './auth/routes'
import { emailQueueConsumers } from './email/consumer'
import { devMailRoutes } from './email/dev-mail'
import { adminRoutes } from './admin/routes'
import { composeRegistry } from './platform/feature'
import { pagesFeature } from './pages'
import { authFeature } from './auth'
import { emailFeature } from './email'
import { adminFeature } from './admin'

const app = new Hono<AppEnv>()

// Stopgap until the lead's createApp lands: the registry on the context (admin panels, banners, events).
const registry = composeRegistry([pagesFeature, authFeature, emailFeature, adminFeature])

app.use(requestContext, securityHeaders, layoutRenderer, csrfProtection({ exemptPaths: ['/billing/webhook'] }), async (c, next) => {
  c.set('registry', registry)
  await next()
}, database, loadSession, flashMessages)

app.route('/', healthRoutes)
app.route('/', homeRoutes)
app.route('/', contactRoutes)
app.route('/', authRoutes)
app.route('/', devMailRoutes)
app.route('/', adminRoutes)

app.notFound(notFoundPage)
app.onError(errorPage)

// Durable Object classes must be exported from the Worker's main module.
export { AuthThrottle } from './auth/login-throttle'

// Each queue this Worker consumes (wrangler.toml [[queues.consumers]]) and the feature that handles it.
const queueConsumers: Record<string, (batch: MessageBatch<unknown>, env: Env) => Promise<void>> = {
  ...emailQueueConsumers,
}

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    const consume = queueConsumers[batch.queue]
    if (!consume) throw new Error(`No consumer for queue "${batch.queue}"`)
    await consume(batch, env)
  },
  async scheduled(controller, env, ctx) {
    for (const job of registry.scheduled) if (job.cron === controller.cron) await job.run(controller, env, ctx)
  },
} satisfies ExportedHandler<Env>
