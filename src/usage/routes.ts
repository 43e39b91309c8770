import { Hono } from 'hono'
import type { AppEnv } from '../platform/types'
import { apiKeyRoutes } from './api-keys-page'
import { apiRoutes } from './api-routes'
import { apiReferenceRoutes } from './api-reference-page'
import { usagePageRoutes } from './pages'

// Everything the usage feature serves, mounted at `/`.
export const usageRoutes = new Hono<AppEnv>()
  .route('/', apiRoutes)
  .route('/', apiKeyRoutes)
  .route('/', usagePageRoutes)
  .route('/', apiReferenceRoutes)
