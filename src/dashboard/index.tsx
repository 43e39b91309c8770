import { Hono } from 'hono'
import type { Feature } from '../platform/feature'
import type { AppEnv } from '../platform/types'
import { requireUser } from '../auth'
import { DashboardPage, loadDashboardCards } from './dashboard-page'

// The signed-in home: one card per feature that declares one (Feature.dashboardCards).
const dashboardRoutes = new Hono<AppEnv>().get('/dashboard', requireUser, async (c) => {
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
