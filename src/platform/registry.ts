// The registry: what the root composes once from the feature list (src/index.tsx) and puts on every
// request's context as `registry` (ADR 0006). The contribution types are in feature.ts.
import type {
  Feature,
  NavItem,
  AccountBadge,
  DashboardCard,
  HomeSection,
  AdminPanel,
  AccountCleanupStep,
  Banner,
  QueueHandler,
  ScheduledJob,
  AdminUserSection,
  AdminUserFilter,
  ViewerField,
  MeterDeclaration,
  ApiOperation,
  SignInMethodSource,
  SignInOption,
  SettingsSection,
  AppEvents,
  EventContext,
} from './feature'

/** What the root composed from the feature list; on the context as `registry`. */
export interface Registry {
  features: readonly Feature[]
  nav: NavItem[]
  accountBadges: AccountBadge[]
  dashboardCards: DashboardCard<any>[]
  homeSections: HomeSection<any>[]
  adminPanels: AdminPanel<any>[]
  /** In the order they run: by `order`, then feature-list order. */
  accountCleanups: AccountCleanupStep[]
  banners: Banner[]
  queues: Record<string, QueueHandler>
  scheduled: ScheduledJob[]
  csrfExemptPaths: string[]
  adminUserSections: AdminUserSection<any>[]
  adminUserFilters: AdminUserFilter[]
  viewerFields: Record<string, ViewerField>
  meters: MeterDeclaration[]
  apiOperations: ApiOperation[]
  signInMethods: SignInMethodSource[]
  signInOptions: SignInOption[]
  settingsSections: SettingsSection<any>[]
  listeners: { [K in keyof AppEvents]?: Array<(payload: AppEvents[K], ctx: EventContext) => Promise<void>> }
}

const byOrder = <T extends { order?: number }>(items: T[]): T[] =>
  items.map((item, i) => ({ item, i })).sort((a, b) => (a.item.order ?? 0) - (b.item.order ?? 0) || a.i - b.i).map((x) => x.item)

export function composeRegistry(features: readonly Feature[]): Registry {
  const queues: Record<string, QueueHandler> = {}
  for (const feature of features) {
    for (const [queue, handler] of Object.entries(feature.queues ?? {})) {
      if (queues[queue]) throw new Error(`Queue "${queue}" is claimed by two features`)
      queues[queue] = handler
    }
  }
  return {
    features,
    nav: byOrder(features.flatMap((f) => f.nav ?? [])),
    accountBadges: features.flatMap((f) => f.accountBadges ?? []),
    dashboardCards: byOrder(features.flatMap((f) => f.dashboardCards ?? [])),
    homeSections: byOrder(features.flatMap((f) => f.homeSections ?? [])),
    adminPanels: byOrder(features.flatMap((f) => f.adminPanels ?? [])),
    accountCleanups: byOrder(features.flatMap((f) => (f.accountCleanups ?? []).map((step) => (typeof step === 'function' ? { name: f.name, run: step } : step)))),
    banners: features.flatMap((f) => f.banners ?? []),
    queues,
    scheduled: features.flatMap((f) => f.scheduled ?? []),
    csrfExemptPaths: features.flatMap((f) => f.csrfExemptPaths ?? []),
    adminUserSections: byOrder(features.flatMap((f) => f.adminUserSections ?? [])),
    adminUserFilters: features.flatMap((f) => f.adminUserFilters ?? []),
    viewerFields: Object.assign({}, ...features.map((f) => f.viewerFields ?? {})),
    meters: byOrder(features.flatMap((f) => f.meters ?? [])),
    apiOperations: features.flatMap((f) => f.apiOperations ?? []),
    signInMethods: features.flatMap((f) => f.signInMethods ?? []),
    signInOptions: byOrder(features.flatMap((f) => f.signInOptions ?? [])),
    settingsSections: byOrder(features.flatMap((f) => f.settingsSections ?? [])),
    listeners: collectListeners(features),
  }
}

function collectListeners(features: readonly Feature[]): Registry['listeners'] {
  const out: Record<string, Array<(payload: never, ctx: EventContext) => Promise<void>>> = {}
  for (const feature of features) {
    for (const [event, listener] of Object.entries(feature.on ?? {})) {
      if (listener) (out[event] ??= []).push(listener as (payload: never, ctx: EventContext) => Promise<void>)
    }
  }
  return out as Registry['listeners']
}

/**
 * Announces an event to every listening feature, in feature-list order, and waits for them: a listener
 * that throws fails the caller (run it inside the caller's transaction when the effects must be atomic).
 */
export async function emitEvent<K extends keyof AppEvents>(registry: Registry, event: K, payload: AppEvents[K], ctx: EventContext): Promise<void> {
  const listeners = (registry.listeners as Record<string, Array<(p: unknown, ctx: EventContext) => Promise<void>>>)[event as string] ?? []
  for (const listener of listeners) await listener(payload, ctx)
}

/** Whether a feature is in the app's list (src/index.tsx): for what shows another feature's data. */
export function hasFeature(registry: Registry, name: string): boolean {
  return registry.features.some((f) => f.name === name)
}

