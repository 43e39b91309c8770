import { createMiddleware } from 'hono/factory'
import { consumeBucket, requireAdmin, throttleMessage } from '../auth'
import { recordAudit } from '../platform/audit'
import { renderError } from '../platform/errors'
import type { AppContext, AppEnv } from '../platform/types'

/**
 * The gate in front of every /admin route (issue 13): no-store first, so the login redirect and the 403
 * are not cached either (an admin page in a shared cache would leak personal data), then requireAdmin.
 */
export const adminGate = [
  createMiddleware<AppEnv>(async (c, next) => {
    await next()
    c.header('Cache-Control', 'no-store')
  }),
  requireAdmin,
] as const

// Admin forms are small (the longest is a reply of 5,000 characters): `formBodyLimit({ maxSize })`.
export const ADMIN_FORM_MAX_BYTES = 32 * 1024

// Generous for a person, a brake on a script running with a stolen admin session (checklist 24).
export const ADMIN_ACTION_LIMIT = { max: 60, windowSeconds: 60 }

export const adminThrottle = createMiddleware<AppEnv>(async (c, next) => {
  const decision = await consumeBucket(c.env, `admin:${c.get('user')!.id}`, ADMIN_ACTION_LIMIT, new Date())
  if (!decision.allowed) {
    c.header('Retry-After', String(decision.retryAfterSeconds))
    return renderError(c, { status: 429, title: 'Too many actions', message: throttleMessage(decision.retryAfterSeconds) })
  }
  await next()
})

/** One audit row per admin action (issue 13), through the registry like every other feature. */
export async function recordAdminAction(
  c: AppContext,
  action: string,
  target: { type: string; id: string },
  detail?: Record<string, string | number | boolean | null>,
): Promise<void> {
  await recordAudit(c, { action, targetType: target.type, targetId: target.id, detail })
}

export function pageParam(value: string | undefined): number {
  const n = Number.parseInt(value ?? '1', 10)
  return Number.isFinite(n) && n >= 1 ? Math.min(n, 10_000) : 1
}

export function notFound(c: AppContext, what = 'User') {
  return renderError(c, { status: 404, title: `${what} not found`, message: `That ${what.toLowerCase()} does not exist or was deleted.` })
}
