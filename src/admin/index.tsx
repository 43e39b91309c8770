import type { Feature } from '../platform/feature'
import { adminRoutes } from './routes'

// Operating the SaaS (docs/user-guide.md#admin): admins only.
export const adminFeature: Feature = {
  name: 'admin',
  routes: adminRoutes,
  nav: [{ href: '/admin', label: 'Admin', audience: 'admin', order: 20 }],
  dashboardCards: [
    {
      id: 'admin',
      title: 'Admin',
      audience: 'admin',
      order: 100,
      render: () => (
        <>
          <p>Users, contact messages and mail deliveries.</p>
          <p class="mt-3"><a href="/admin">Open admin</a></p>
        </>
      ),
    },
  ],
}
