import { Hono } from 'hono'
import type { Feature } from '../platform/feature'
import type { AppEnv } from '../platform/types'
import { contactRoutes } from './contact'
import { homeRoutes } from './home'
import { contactMessagesPanel } from './admin-panel'

export { seedDemoContactMessage } from './contact-message'

// Public pages: home, about and contact (docs/user-guide.md).
export const pagesFeature: Feature = {
  name: 'pages',
  routes: new Hono<AppEnv>().route('/', homeRoutes).route('/', contactRoutes),
  nav: [
    { href: '/about', label: 'About', audience: 'everyone', order: 1 },
    { href: '/contact', label: 'Contact', audience: 'everyone', order: 2 },
    { href: '/about', label: 'About', audience: 'everyone', position: 'footer', order: 0 },
    { href: '/contact', label: 'Contact', audience: 'everyone', position: 'footer', order: 1 },
  ],
  adminPanels: [contactMessagesPanel],
}

// The contact inbox for the admin area (issue 13): admin never reads pages' tables.
export { countContactMessages, getContactMessage, listContactMessages, setContactMessageHandled, MESSAGES_PAGE_SIZE } from './admin'
export type { ContactMessage } from './schema'
