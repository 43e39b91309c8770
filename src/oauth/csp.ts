import { createMiddleware } from 'hono/factory'
import { contentSecurityPolicyWith } from '../platform/security-headers'
import { configOf, type AppEnv } from '../platform/types'
import { configuredProviders, providerEndpoints } from './providers'

// The pages that show "Continue with …" or "Link …" post to the app, which redirects to the provider's
// authorization page; browsers apply form-action to that redirect too (as for billing's Stripe redirects).
// Only these pages widen form-action, and only to the configured providers' origins.
const PAGES_WITH_PROVIDER_FORMS = /^\/(login|signup|settings)(\/|$)/

export const allowProviderRedirects = createMiddleware<AppEnv>(async (c, next) => {
  if (PAGES_WITH_PROVIDER_FORMS.test(c.req.path)) {
    const config = configOf(c)
    const origins = [...new Set(configuredProviders(config).map((provider) => new URL(providerEndpoints(config, provider).authorize).origin))]
    if (origins.length > 0) c.header('Content-Security-Policy', contentSecurityPolicyWith({ formAction: origins }))
  }
  await next()
})
