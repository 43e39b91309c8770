import type { Hono, MiddlewareHandler } from 'hono'
import type { SQL } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import type { Child } from 'hono/jsx'
import type { z } from 'zod'
import type { Database } from './db'
import type { AppContext, AppEnv, Viewer } from './types'
import type { IconName } from './icons'
import type { Registry } from './registry'

/**
 * The feature registry (docs/decisions/0006-feature-registry.md). Every folder under src/ except
 * platform exposes one `Feature` from its public entry (`src/<feature>/index.ts`); `src/index.tsx` lists
 * them and `createApp` composes them. Platform renders navigation, dashboard cards, admin panels and
 * banners from this data and never imports a feature, so removing a feature from the list removes it
 * from the site with no other edit.
 */

/** Who sees a navbar entry, card or panel. `verified` implies signed in; `admin` implies signed in. */
export type Audience = 'everyone' | 'visitor' | 'user' | 'verified' | 'admin'

export interface NavItem {
  href: string
  label: string
  audience: Audience
  /**
   * Where it shows. The public site's navbar: `start` on the left, `end` on the right (sign up, log in, the
   * way into the app); `footer` in its footer. The app shell of signed-in pages: `sidebar` (the app's
   * sections) and `account` (the account menu: settings, log out).
   */
  position?: 'start' | 'end' | 'footer' | 'sidebar' | 'account'
  /** The icon beside the label in the sidebar and the account menu. */
  icon?: IconName
  /** Lower comes first; ties keep feature-list order. */
  order?: number
  /** A button instead of a text link (the account controls); `post` renders a form (log out). */
  variant?: 'link' | 'button-primary' | 'button-light'
  method?: 'get' | 'post'
}

export interface DashboardCard<T = unknown> {
  id: string
  title: string
  order?: number
  audience?: Audience
  /**
   * The card's data. Loads of every card on the page run together (one round trip budget, issue 8).
   * `now` is the request's clock: a loader never reads the wall clock itself (deterministic tests).
   * It only reads: the dashboard is `readsOnly` (ADR 0106), rendered before its session is confirmed.
   */
  load?: (db: Database, viewer: Viewer, env: Env, now: Date) => Promise<T>
  render: (data: T, viewer: Viewer) => Child
}

/**
 * A section of the public home page a feature contributes (billing's pricing teaser), rendered after the
 * page's own sections by `order`. Public: `load` gets no viewer, and should cost no database trip on a warm
 * isolate (the home page's budget is zero).
 */
export interface HomeSection<T = unknown> {
  id: string
  order?: number
  load?: (db: Database, env: Env, now: Date) => Promise<T>
  render: (data: T) => Child
}

export interface AdminPanel<T = unknown> {
  id: string
  title: string
  order?: number
  /** `now`: the request's clock, as for dashboard cards. Only reads: /admin is `readsOnly` (ADR 0106). */
  load: (db: Database, env: Env, now: Date) => Promise<T>
  render: (data: T) => Child
}

/**
 * One step of account deletion (ADR 0084). Runs from auth's deletion queue after the account was marked
 * `deleting` and signed out everywhere — outside any long transaction, with a plain database handle. It
 * must be idempotent: a crash at any point, a retry or a second message runs it again, and it must then
 * finish what is left and change nothing that is already done. Throw to have the whole deletion retried
 * (with backoff; after the last retry the admin sees the account stuck in deletion).
 */
/** `now`: the deletion job's clock (the queue consumer's), never read from the wall clock by a step. */
export type AccountCleanup = (db: Database, user: { id: string; email: string }, env: Env, now: Date) => Promise<void>

/** A named step with a place in the order (lower first; ties keep feature-list order). */
export interface AccountCleanupStep {
  name: string
  order?: number
  run: AccountCleanup
}

export type QueueHandler = (batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext, registry: Registry) => Promise<void>

export interface ScheduledJob {
  /** The cron expression as declared in wrangler.toml `[triggers] crons`. */
  cron: string
  name: string
  run: (controller: ScheduledController, env: Env, ctx: ExecutionContext) => Promise<void>
}

/** A notice shown at the top of every page for the viewer (unverified address, failed payment, …). */
export interface Banner {
  id: string
  render: (c: AppContext, viewer: Viewer | null) => Child | null
}

/**
 * Events one feature announces and others may react to, without importing each other (billing announces a
 * plan change, usage moves the meter's limits; any feature records an audit event, admin stores it).
 * Features add their events by declaration merging:
 *   declare module '../platform/feature' { interface AppEvents { 'billing.plan_changed': { userId: string } } }
 */
export interface AppEvents {
  /** Security and money events any feature records; the admin feature stores them (ADR 0060). */
  'audit.record': AuditRecord
}

/** One audit-log entry: who did what to whom, from where. Never a secret in `detail`. */
export interface AuditRecord {
  action: string
  actorId: string | null
  onBehalfOfId?: string | null
  targetType?: string
  targetId?: string
  ip?: string | null
  /** Facts about the event. `detail.actor` names who acted when no person did (e.g. 'Stripe' for a
   * webhook, 'scheduler' for a nightly job); the audit page shows it in the Actor column. */
  detail?: Record<string, string | number | boolean | null>
}

export type EventListeners = { [K in keyof AppEvents]?: (payload: AppEvents[K], ctx: EventContext) => Promise<void> }

export interface EventContext {
  db: Database
  env: Env
  /** The emitter's clock: a listener never reads the wall clock itself, so one operation (a request, a
   * webhook, a test with a fixed time) sees one time from end to end. */
  now: Date
}

/** A section of the admin user page (subscription, usage, files …), loaded for one user. */
export interface AdminUserSection<T = unknown> {
  id: string
  title: string
  order?: number
  /** `now`: the request's clock, as for dashboard cards. Only reads: the page is `readsOnly` (ADR 0106). */
  load: (db: Database, userId: string, env: Env, now: Date) => Promise<T>
  render: (data: T, userId: string) => Child
}

/**
 * A filter, with its column, that a feature adds to the admin users list (billing: plan). The list stays
 * one query: `where` and `column` are SQL over the users.id column, evaluated inside auth's search, and
 * `options` load in the same tick (one HTTP batch, issue 8).
 */
export interface AdminUserFilter {
  /** The query-string key (`?plan=pro`) and the column's key. */
  name: string
  label: string
  /** The choices after "Any", as [value, label]. Only reads: /admin/users is `readsOnly` (ADR 0106). */
  options: (db: Database, env: Env) => Promise<Array<[string, string]>>
  /** The condition for a chosen value; null for a value that cannot be one (it is then ignored). */
  where: (userId: AnyPgColumn, value: string) => SQL | null
  /** The text shown in the list's column for this filter. */
  column: (userId: AnyPgColumn) => SQL<string | null>
}

/**
 * A column a feature adds to the viewer, selected in the same query as the session (issue 8: one round
 * trip for session + viewer). Given the users.id column, returns an SQL expression (e.g. an EXISTS
 * subquery); the value lands in `viewer.extras[name]`.
 */
export type ViewerField = (userId: AnyPgColumn) => SQL

/**
 * A counter a feature meters like the built-in ones (ADR 0072): the usage feature counts it in the
 * account's meter (atomic check-and-consume, reset each period), billing's plans give its limit per plan
 * (`plans.meter_limits`), and /usage lists it. The feature consumes it through usage's `consumeQuota`.
 */
export interface MeterDeclaration {
  /** snake_case, unique, not a built-in metric (`report_exports`); the noun people read is this with spaces. */
  metric: string
  /** The quota bar's label on /usage ("report exports this period"). */
  label: string
  /** Lower comes first, after the built-in meters; ties keep feature-list order. */
  order?: number
}

/**
 * One operation of the public JSON API (under /api/v1), described once: the OpenAPI document and the
 * reference page are built from these (usage's openapi.ts, docs/usage.md), handlers type their answers
 * with the same zod schemas, and test/usage/openapi.test.ts fails when a route under /api/v1 has none.
 */
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** The route's path as Hono writes it (`/api/v1/files/:id`). */
  path: string
  operationId: string
  summary: string
  description?: string
  /** The group it is listed under on the reference page. */
  tag: string
  /** False for what needs no key (the document itself). */
  auth?: boolean
  /** Counts one API request towards the plan (RateLimit headers, 429 quota_exceeded). */
  metered?: boolean
  params?: z.ZodObject
  query?: z.ZodObject
  /** The 200 body. */
  response: z.ZodType
  /** Error answers beyond those every operation can give (401, 405, 429, 500): status → when. */
  errors?: Record<number, string>
}

/**
 * A badge beside the signed-in person's name in the app shell's account menu (billing: the plan). Reads
 * only the viewer (its `extras` come with the session query), so it costs no database trip.
 */
export type AccountBadge = (viewer: Viewer) => Child

/**
 * A way to sign in that a feature gives accounts (issue 22): password (auth), GitHub/Google (oauth),
 * passkeys. Removing a method (unlinking a provider, deleting the last passkey) is refused when the
 * account's count over all sources would drop to 0, so nobody locks themselves out.
 */
export interface SignInMethodSource {
  id: string
  /** How many ways to sign in this source gives the account (a password: 1; two passkeys: 2). */
  count: (db: Database, userId: string) => Promise<number>
}

/**
 * Buttons a feature puts under the log-in and sign-up forms ("Continue with GitHub", "Sign in with a
 * passkey"); null when it has none to offer (no provider keys configured). `next` is the safe path the
 * visitor returns to.
 */
export interface SignInOption {
  id: string
  order?: number
  render: (c: AppContext, ctx: { page: 'login' | 'signup'; next: string }) => Child | null
}

/** A section of /settings a feature adds (linked providers, passkeys), loaded for the signed-in user. */
export interface SettingsSection<T = unknown> {
  id: string
  title: string
  order?: number
  /** Only reads: /settings is `readsOnly` (ADR 0106), rendered before its session is confirmed. */
  load: (db: Database, user: { id: string; email: string }, env: Env, now: Date) => Promise<T>
  render: (data: T, c: AppContext) => Child
}

export interface Feature {
  name: string
  /** Mounted at `/` in feature-list order. */
  routes?: Hono<AppEnv>
  /** Run for every request after the database handle and before flash, in feature-list order. */
  middleware?: MiddlewareHandler<AppEnv>[]
  /** Paths authenticated by other means than a cookie (signed webhooks, bearer-token APIs); prefix with `*`. */
  csrfExemptPaths?: string[]
  nav?: NavItem[]
  accountBadges?: AccountBadge[]
  dashboardCards?: DashboardCard<any>[]
  homeSections?: HomeSection<any>[]
  adminPanels?: AdminPanel<any>[]
  /** Steps of account deletion; a bare function is a step named after the feature, order 0. */
  accountCleanups?: Array<AccountCleanup | AccountCleanupStep>
  banners?: Banner[]
  queues?: Record<string, QueueHandler>
  scheduled?: ScheduledJob[]
  on?: EventListeners
  adminUserSections?: AdminUserSection<any>[]
  adminUserFilters?: AdminUserFilter[]
  viewerFields?: Record<string, ViewerField>
  /** Counters this feature meters against the plan's limits (usage enforces and shows them). */
  meters?: MeterDeclaration[]
  /** Its public JSON API operations (ApiOperation): the OpenAPI document at /api/v1/openapi.json. */
  apiOperations?: ApiOperation[]
  /** Ways to sign in this feature gives accounts (unlink/remove is refused when none would be left). */
  signInMethods?: SignInMethodSource[]
  /** Buttons under the log-in and sign-up forms. */
  signInOptions?: SignInOption[]
  /** Sections of /settings. */
  settingsSections?: SettingsSection<any>[]
  /** Class names this feature's Durable Objects export (src/index.tsx re-exports them; a test checks wrangler.toml). */
  durableObjects?: string[]
}

// The composed registry (Registry, composeRegistry, emitEvent, hasFeature) lives in registry.ts; re-exported
// here so a feature needs one import for everything it declares and reads.
export { composeRegistry, emitEvent, hasFeature, type Registry } from './registry'

/** Whether a viewer (null = visitor) belongs to an audience. */
export function isInAudience(audience: Audience | undefined, viewer: Viewer | null): boolean {
  switch (audience ?? 'everyone') {
    case 'everyone': return true
    case 'visitor': return viewer === null
    case 'user': return viewer !== null
    case 'verified': return viewer !== null && viewer.emailVerified
    case 'admin': return viewer?.role === 'admin'
  }
}
