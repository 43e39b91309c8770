import { Hono } from 'hono'
import type { Feature } from '../platform/feature'
import type { AppEnv } from '../platform/types'
import { readsOnly } from '../platform/speculation'
import { requireUser } from '../auth'
import { DashboardPage, loadDashboardCards } from './dashboard-page'

// The signed-in home: one card per feature that declares one (Feature.dashboardCards). Reads only (ADR 0106):
// on a warm isolate it is rendered in the session lookup's round trip, so every card's `load` must only read.
const dashboardRoutes = new Hono<AppEnv>().get('/dashboard', readsOnly, requireUser, async (c) => {
  const viewer = c.get('viewer')!
  const cards = await loadDashboardCards(c, viewer, new Date())
  return c.render(<DashboardPage viewer={viewer} cards={cards} />, { title: 'Dashboard' })
})

export const dashboardFeature: Feature = {
  name: 'dashboard',
  routes: dashboardRoutes,
  nav: [
    { href: '/dashboard', label: 'Dashboard', audience: 'user', position: 'sidebar', icon: 'layout-dashboard', order: 10 },
    // The public site's way into the app for someone signed in.
    { href: '/dashboard', label: 'Dashboard', audience: 'user', position: 'end', variant: 'button-primary', order: 0 },
  ],
}
