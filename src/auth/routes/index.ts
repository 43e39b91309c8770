import { Hono } from 'hono'
import type { AppEnv } from '../../platform/types'
import { loginRoutes } from './login'
import { passwordResetRoutes } from './password-reset'
import { settingsRoutes } from './settings'
import { signupRoutes } from './signup'
import { verifyEmailRoutes } from './verify-email'
import { twoFactorLoginRoutes } from './two-factor-login'
import { twoFactorSettingsRoutes } from './two-factor-settings'

// Everything the auth feature serves, mounted at `/` by src/index.tsx.
export const authRoutes = new Hono<AppEnv>()
  .route('/', signupRoutes)
  .route('/', loginRoutes)
  .route('/', verifyEmailRoutes)
  .route('/', passwordResetRoutes)
  .route('/', settingsRoutes)
  .route('/', twoFactorLoginRoutes)
  .route('/', twoFactorSettingsRoutes)
