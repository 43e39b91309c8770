import { Hono } from 'hono'
import { isInAudience, type NavItem } from './feature'
import type { AppEnv } from './types'

/**
 * robots.txt and sitemap.xml (issue 20), from the registry like the navbar (ADR 0006): the sitemap lists
 * the public pages every visitor can reach — the home page and the public navbar and footer entries — and
 * robots.txt keeps crawlers out of the app shell's sections. Both are built per request from data held in
 * memory (no database trip) and carry absolute URLs on APP_URL's origin, which a static file could not.
 */
export function listPublicPaths(nav: NavItem[]): string[] {
  const paths = nav
    .filter((item) => isInAudience(item.audience, null) && item.method !== 'post')
    .filter((item) => item.position === undefined || item.position === 'start' || item.position === 'end' || item.position === 'footer')
    .map((item) => item.href)
    .filter((href) => href.startsWith('/') && !href.includes('?'))
  return [...new Set(['/', ...paths])]
}

export function listPrivatePaths(nav: NavItem[]): string[] {
  return [...new Set(nav.filter((item) => item.position === 'sidebar' || item.position === 'account').map((item) => item.href))]
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (ch) => `&#${ch.charCodeAt(0)};`)

export const seoRoutes = new Hono<AppEnv>()
  .get('/robots.txt', (c) => {
    const origin = c.get('config').appOrigin
    const lines = ['User-agent: *', ...listPrivatePaths(c.get('registry').nav).map((path) => `Disallow: ${path}`), '', `Sitemap: ${origin}/sitemap.xml`, '']
    c.header('Cache-Control', 'public, max-age=3600')
    return c.text(lines.join('\n'))
  })
  .get('/sitemap.xml', (c) => {
    const origin = c.get('config').appOrigin
    const urls = listPublicPaths(c.get('registry').nav).map((path) => `  <url><loc>${escapeXml(`${origin}${path}`)}</loc></url>`)
    c.header('Cache-Control', 'public, max-age=3600')
    c.header('Content-Type', 'application/xml; charset=utf-8')
    return c.body(`<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`)
  })
