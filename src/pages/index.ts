import { Hono } from 'hono'
import type { Feature } from '../platform/feature'
import type { AppEnv } from '../platform/types'
import { contactMessagesPanel } from './admin-panel'
import { contactRoutes } from './contact'
import { homeRoutes } from './home'

export const pagesFeature: Feature = {
  name: 'pages',
  routes: new Hono<AppEnv>().route('/', homeRoutes).route('/', contactRoutes),
  adminPanels: [contactMessagesPanel],
}

export { countContactMessages, getContactMessage, listContactMessages, setContactMessageHandled, MESSAGES_PAGE_SIZE } from './admin'
export type { ContactMessage } from './schema'
