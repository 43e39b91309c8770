import { formatTime } from '../platform/format'
import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { consumeBucket, deleteSessionCookie, setSessionCookie, stopImpersonation, throttleMessage, IMPERSONATION_MAX_MS } from '../auth'
import { clientIp, formBodyLimit, redirectAfterPost } from '../platform/forms'
import { renderError } from '../platform/errors'
import type { Banner } from '../platform/feature'
import { setFlash } from '../platform/flash'
import type { AppEnv } from '../platform/types'
import { ADMIN_ACTION_LIMIT, ADMIN_FORM_MAX_BYTES, recordAdminAction } from './http'


/**
 * On every page while an admin acts as someone (registry `banners`): who they are acting as, until when,
 * and the one-click way back (issue 13). Read from the session row loadSession already fetched: no query.
 */
export const impersonationBanner: Banner = {
  id: 'impersonation',
  render: (c, viewer) => {
    const session = c.get('session')
    if (!session?.impersonatorId || !viewer) return null
    const ends = new Date(session.createdAt.getTime() + IMPERSONATION_MAX_MS)
    return (
      <div class="container flash-container">
        <div class="notification is-warning impersonation-banner" role="status">
          You are logged in as <strong>{viewer.name}</strong> ({viewer.email}) for support, until {formatTime(ends)}.
          Everything you do is recorded under your name and theirs.{' '}
          <form method="post" action="/impersonation/stop">
            <button class="button is-small is-dark ml-2" type="submit">Return to my admin account</button>
          </form>
        </div>
      </div>
    )
  },
}

// Counted against the admin behind the session (the same budget as their admin actions, checklist 24).
const stopThrottle = createMiddleware<AppEnv>(async (c, next) => {
  const session = c.get('session')
  if (!session?.impersonatorId) return renderError(c, { status: 400, title: 'Not impersonating', message: 'You are not logged in as someone else.' })
  const decision = await consumeBucket(c.env, `admin:${session.impersonatorId}`, ADMIN_ACTION_LIMIT, new Date())
  if (!decision.allowed) {
    c.header('Retry-After', String(decision.retryAfterSeconds))
    return renderError(c, { status: 429, title: 'Too many actions', message: throttleMessage(decision.retryAfterSeconds) })
  }
  await next()
})

export const impersonationRoutes = new Hono<AppEnv>().post('/impersonation/stop', stopThrottle, formBodyLimit({ maxSize: ADMIN_FORM_MAX_BYTES }), async (c) => {
  const session = c.get('session')!
  await recordAdminAction(c, 'admin.impersonation.stopped', { type: 'user', id: session.userId })
  const now = new Date()
  const back = await stopImpersonation(c.get('db'), session, { userAgent: c.req.header('user-agent'), ipAddress: clientIp(c) }, now)
  if (!back.token || !back.session) {
    deleteSessionCookie(c)
    setFlash(c, 'info', 'You are logged out: your account is no longer an active administrator.')
    return redirectAfterPost(c, '/login')
  }
  setSessionCookie(c, back.token, back.session.expiresAt, now)
  setFlash(c, 'success', 'You are back in your own account.')
  return redirectAfterPost(c, `/admin/users/${back.targetId}`)
})
