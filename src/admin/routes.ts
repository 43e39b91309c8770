import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { hasFeature } from '../platform/feature'
import type { AppEnv } from '../platform/types'
import { auditRoutes } from './audit-page'
import { authSettingsRoutes } from './auth-settings'
import { impersonationRoutes } from './impersonation'
import { mailRoutes } from './mail'
import { messageRoutes } from './messages'
import { overviewRoutes } from './overview'
import { userActionRoutes } from './user-actions'
import { userPageRoutes } from './user-page'
import { usersRoutes } from './users'

/**
 * Messages and mail show pages' and email's data (through their public entries). With that feature off
 * the list in src/index.tsx the section is gone too: 404 here, and no tab (ADMIN_SECTIONS).
 */
const onlyWith = (feature: string) => createMiddleware<AppEnv>(async (c, next) => {
  if (!hasFeature(c.get('registry'), feature)) return c.notFound()
  await next()
})

// Every /admin route carries adminGate itself (test/admin/routes.test.ts enumerates them from this router).
export const adminRoutes = new Hono<AppEnv>()
  .use('/admin/messages', onlyWith('pages')).use('/admin/messages/*', onlyWith('pages'))
  .use('/admin/mail', onlyWith('email')).use('/admin/mail/*', onlyWith('email'))
  .route('/', overviewRoutes)
  .route('/', usersRoutes)
  .route('/', userPageRoutes)
  .route('/', userActionRoutes)
  .route('/', messageRoutes)
  .route('/', mailRoutes)
  .route('/', auditRoutes)
  .route('/', impersonationRoutes)
  .route('/', authSettingsRoutes)
