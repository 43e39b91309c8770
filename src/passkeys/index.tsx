import { Hono } from 'hono'
import type { Feature } from '../platform/feature'
import type { AppEnv } from '../platform/types'
import { loginRoutes } from './login-routes'
import { manageRoutes } from './manage-routes'
import { registerRoutes } from './register-routes'
import { deletePasskeyData, passkeySignInMethod } from './store'
import { passkeySignInOption, passkeysSettingsSection } from './views'

// Passkeys (WebAuthn; issue 22, docs/auth.md, ADR 0101): added from settings, a way to sign in that ends
// through auth's completeSignIn like every other.
export const passkeysFeature: Feature = {
  name: 'passkeys',
  routes: new Hono<AppEnv>().route('/', registerRoutes).route('/', loginRoutes).route('/', manageRoutes),
  signInMethods: [passkeySignInMethod],
  signInOptions: [passkeySignInOption],
  settingsSections: [passkeysSettingsSection],
  accountCleanups: [{ name: 'passkeys', run: (db, user) => deletePasskeyData(db, user) }],
}
