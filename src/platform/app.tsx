import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { csrfProtection, database, requestContext } from './middleware'
import { securityHeaders } from './security-headers'
import { flashMessages } from './flash'
import { layoutRenderer } from './layout'
import { errorPage, notFoundPage } from './errors'
import { healthRoutes } from './health'
import { seoRoutes } from './seo'
import { composeRegistry, type Feature, type Registry } from './feature'
import { dispatch } from './speculation'
import type { AppEnv } from './types'

declare module './types' {
  interface AppVariables {
    registry: Registry
  }
}

/**
 * Builds the Worker from a feature list (docs/decisions/0006-feature-registry.md). Middleware order:
 * request context → security headers → layout → CSRF → database → each feature's middleware (auth loads
 * the session here) → flash → routes. The registry rides on the context so that platform components
 * (navbar, dashboard, admin, banners) render whatever the listed features declare.
 */
export function createApp(features: readonly Feature[]) {
  const registry = composeRegistry(features)
  const app = new Hono<AppEnv>()
  const provideRegistry = createMiddleware<AppEnv>(async (c, next) => {
    c.set('registry', registry)
    await next()
  })

  app.use(
    requestContext,
    provideRegistry,
    securityHeaders,
    layoutRenderer,
    csrfProtection({ exemptPaths: registry.csrfExemptPaths }),
    database,
    ...features.flatMap((f) => f.middleware ?? []),
    flashMessages,
  )
  app.route('/', healthRoutes)
  app.route('/', seoRoutes)
  for (const feature of features) if (feature.routes) app.route('/', feature.routes)
  app.notFound(notFoundPage)
  app.onError(errorPage)

  const worker = {
    // With the one second dispatch a thrown-away speculative render asks for (ADR 0106).
    fetch: (request: Request, env: Env, ctx: ExecutionContext) => dispatch(app, request, env, ctx),
    async queue(batch, env, ctx) {
      const consume = registry.queues[batch.queue]
      if (!consume) throw new Error(`No consumer for queue "${batch.queue}"`)
      await consume(batch, env, ctx, registry)
    },
    async scheduled(controller, env, ctx) {
      const jobs = registry.scheduled.filter((job) => job.cron === controller.cron)
      // One failing job must not starve the others; each logs and the run reports failure at the end.
      const results = await Promise.allSettled(jobs.map((job) => job.run(controller, env, ctx)))
      const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [jobs[i]!.name] : []))
      if (failed.length > 0) throw new Error(`Scheduled jobs failed: ${failed.join(', ')}`)
    },
  } satisfies ExportedHandler<Env>
  return { app, registry, worker }
}
