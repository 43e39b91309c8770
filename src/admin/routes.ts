import { Hono } from 'hono'
import type { AppEnv } from '../platform/types'
import { auditRoutes } from './audit-page'
import { impersonationRoutes } from './impersonation'
import { mailRoutes } from './mail'
import { messageRoutes } from './messages'
import { overviewRoutes } from './overview'
import { userActionRoutes } from './user-actions'
import { userPageRoutes } from './user-page'
import { usersRoutes } from './users'

// Every /admin route carries adminGate itself (test/admin/routes.test.ts enumerates them from this router).
export const adminRoutes = new Hono<AppEnv>()
  .route('/', overviewRoutes)
  .route('/', usersRoutes)
  .route('/', userPageRoutes)
  .route('/', userActionRoutes)
  .route('/', messageRoutes)
  .route('/', mailRoutes)
  .route('/', auditRoutes)
  .route('/', impersonationRoutes)
