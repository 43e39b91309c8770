import { createApp } from './platform/app'
import { pagesFeature } from './pages'
import { authFeature } from './auth'
import { emailFeature } from './email'
import { dashboardFeature } from './dashboard'
import { adminFeature } from './admin'
import { billingFeature } from './billing'
import { usageFeature } from './usage'
import { filesFeature } from './files'
import { passkeysFeature } from './passkeys'
import { oauthFeature } from './oauth'

// The features this app is made of (docs/decisions/0006-feature-registry.md). Each declares its routes,
// navbar entries, dashboard cards, cleanups, queues, Durable Objects and jobs; removing one from this
// list removes it from the site.
export const features = [pagesFeature, authFeature, emailFeature, dashboardFeature, adminFeature, billingFeature, usageFeature, filesFeature, passkeysFeature, oauthFeature]

const { worker } = createApp(features)
export default worker

// Durable Object classes must be exported from the Worker's main module (each feature lists its own in
// `durableObjects`; test/platform/registry.test.ts checks these exports against wrangler.toml).
export { AuthThrottle } from './auth'
export { UsageMeter } from './usage'
