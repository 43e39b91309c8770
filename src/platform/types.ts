import type { Context } from 'hono'
import type { Database } from './db'
import { readConfig, type Config } from './env'
import type { Logger } from './logger'

// What the layout needs to know about the signed-in person. The auth feature fills it in;
// platform only defines its shape so that it never imports a feature.
export interface Viewer {
  id: string
  name: string
  email: string
  role: 'user' | 'admin'
  emailVerified: boolean
  /** The admin acting as this person (impersonation, issue 13); audit rows name both (platform/audit.ts). */
  impersonatorId?: string
  /** Values features add through `Feature.viewerFields`, read in the session query. */
  extras?: Record<string, unknown>
}

export interface Flash {
  kind: 'success' | 'info' | 'warning' | 'danger'
  message: string
}

export interface AppVariables {
  requestId: string
  // Validated once per isolate (readConfig); read settings from here, not from c.env.
  config: Config
  // Carries the request id; redacts by design (platform/logger.ts).
  log: Logger
  db: Database
  /**
   * From here on, the request's `db` holds every write until `confirmed` settles, and runs it only if it
   * settles true (a speculative render, ADR 0106: platform/speculation.ts). False, and nothing changed,
   * when the request's database was replaced before: then there must be no speculative render.
   */
  speculate: (confirmed: Promise<boolean>) => boolean
  viewer: Viewer | null
  flash: Flash | null
}

export type AppEnv = { Bindings: Env; Variables: AppVariables }
export type AppContext = Context<AppEnv>

/** The validated config of a request; falls back to reading it for code run outside the middleware chain. */
export function configOf(c: AppContext): Config {
  return c.get('config') ?? readConfig(c.env)
}
