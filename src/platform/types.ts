import type { Context } from 'hono'
import type { Database } from './db'

// What the layout needs to know about the signed-in person. The auth feature fills it in;
// platform only defines its shape so that it never imports a feature.
export interface Viewer {
  id: string
  name: string
  email: string
  role: 'user' | 'admin'
  emailVerified: boolean
  /** Values features add through `Feature.viewerFields`, read in the session query. */
  extras?: Record<string, unknown>
}

export interface Flash {
  kind: 'success' | 'info' | 'warning' | 'danger'
  message: string
}

export interface AppVariables {
  requestId: string
  db: Database
  viewer: Viewer | null
  flash: Flash | null
}

export type AppEnv = { Bindings: Env; Variables: AppVariables }
export type AppContext = Context<AppEnv>
