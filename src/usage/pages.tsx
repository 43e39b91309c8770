import { Hono } from 'hono'
import { renderError } from '../platform/errors'
import { recordAudit } from '../platform/audit'
import { formBodyLimit, readForm } from '../platform/forms'
import { setFlash } from '../platform/flash'
import { isUuid } from '../platform/format'
import type { AppContext, AppEnv } from '../platform/types'
import { getUserById, requireUser } from '../auth'
import { adminGate, adminThrottle } from '../admin'
import { adjustUsage, resetUsage } from './admin'
import { isMetric } from './metrics'
import { meterStub } from './quota'
import { getDailyUsage, getUsageSummary } from './summary'
import { UsagePage } from './views/usage-page'

// An admin changes meters by hand rarely; 60 an hour stops a runaway script, not a person.
export const ADMIN_CHANGES = { max: 60, windowSeconds: 60 * 60 }

const ADMIN_FORM_MAX_BYTES = 8 * 1024

/**
 * A usage adjustment is a money-relevant admin action: one audit row per change (issue 13), through the
 * registry's 'audit.record' (admin stores it). The usage_adjustments table keeps the per-meter detail.
 */
function auditUsageChange(c: AppContext, action: 'usage.adjust' | 'usage.reset', userId: string, detail: Record<string, string | number>) {
  return recordAudit(c, { action, targetType: 'user', targetId: userId, detail })
}

export const usagePageRoutes = new Hono<AppEnv>()
  .get('/usage', requireUser, async (c) => {
    const viewer = c.get('viewer')!
    const db = c.get('db')
    const now = new Date()
    // One round trip after the session: plan, meters and 30 days in parallel.
    // The registry's feature meters (Feature.meters) show beside the built-in ones.
    const [summary, daily] = await Promise.all([getUsageSummary(db, viewer.id, now, c.get('registry').meters), getDailyUsage(db, viewer.id, now)])
    return c.render(<UsagePage summary={summary} daily={daily} />, { title: 'Usage' })
  })
  .post('/admin/usage/:userId/adjust', ...adminGate, adminThrottle, formBodyLimit({ maxSize: ADMIN_FORM_MAX_BYTES }), async (c) => {
    const admin = c.get('viewer')!
    const userId = c.req.param('userId')
    const form = await readForm(c)
    const metric = form.metric
    const valueText = (form.value ?? '').trim()
    const reason = (form.reason ?? '').trim()
    const now = new Date()
    const throttle = await meterStub(c.env, admin.id).hit('admin-usage-changes', ADMIN_CHANGES.max, ADMIN_CHANGES.windowSeconds, now.getTime())
    if (!throttle.allowed) {
      c.header('Retry-After', String(throttle.retryAfterSeconds))
      return renderError(c, { status: 429, title: 'Too many changes', message: `Try again in ${Math.ceil(throttle.retryAfterSeconds / 60)} minutes.` })
    }
    if (!isUuid(userId) || !(await getUserById(c.get('db'), userId))) return renderError(c, { status: 404, title: 'User not found', message: 'There is no such user.' })
    if (!isMetric(metric)) return renderError(c, { status: 422, title: 'Unknown meter', message: 'Choose one of the listed meters.' })
    if (!/^\d{1,15}$/.test(valueText)) return renderError(c, { status: 422, title: 'Invalid value', message: 'The new value is a whole number, 0 or more.' })
    if (reason === '' || reason.length > 200) return renderError(c, { status: 422, title: 'Reason needed', message: 'Say why (at most 200 characters): it is kept with the change.' })
    const row = await adjustUsage({ db: c.get('db'), env: c.env, now }, { userId, metric, value: Number(valueText), actorId: admin.id, reason })
    await auditUsageChange(c, 'usage.adjust', userId, { metric, before: row.before, after: row.after, reason })
    setFlash(c, 'success', `Meter ${metric} set from ${row.before} to ${row.after}.`)
    return c.redirect(`/admin/users/${userId}`, 303)
  })
  .post('/admin/usage/:userId/reset', ...adminGate, adminThrottle, formBodyLimit({ maxSize: ADMIN_FORM_MAX_BYTES }), async (c) => {
    const admin = c.get('viewer')!
    const userId = c.req.param('userId')
    const form = await readForm(c)
    const reason = (form.reason ?? '').trim().slice(0, 200) || 'reset by admin'
    const now = new Date()
    const throttle = await meterStub(c.env, admin.id).hit('admin-usage-changes', ADMIN_CHANGES.max, ADMIN_CHANGES.windowSeconds, now.getTime())
    if (!throttle.allowed) {
      c.header('Retry-After', String(throttle.retryAfterSeconds))
      return renderError(c, { status: 429, title: 'Too many changes', message: `Try again in ${Math.ceil(throttle.retryAfterSeconds / 60)} minutes.` })
    }
    if (!isUuid(userId) || !(await getUserById(c.get('db'), userId))) return renderError(c, { status: 404, title: 'User not found', message: 'There is no such user.' })
    const rows = await resetUsage({ db: c.get('db'), env: c.env, now }, { userId, actorId: admin.id, reason })
    await auditUsageChange(c, 'usage.reset', userId, { metrics: rows.map((r) => `${r.metric} ${r.before}→${r.after}`).join(', '), reason })
    setFlash(c, 'success', "This period's counters were reset.")
    return c.redirect(`/admin/users/${userId}`, 303)
  })
