import { Hono } from 'hono'
import type { AppEnv } from '../../platform/types'
import { loginRoutes } from './login'
import { passwordResetRoutes } from './password-reset'
import { settingsRoutes } from './settings'
import { signupRoutes } from './signup'
import { verifyEmailRoutes } from './verify-email'

// Everything the auth feature serves, mounted at `/` by src/index.tsx.
export const authRoutes = new Hono<AppEnv>()
  .route('/', signupRoutes)
  .route('/', loginRoutes)
  .route('/', verifyEmailRoutes)
  .route('/', passwordResetRoutes)
  .route('/', settingsRoutes)
