import { describe, expect, it } from 'vitest'
import { request } from '../helpers/http'
import { createTestUser, loginCookie } from '../auth/helpers'
import { defaultCrumbs, findSection } from '../../src/platform/app-shell'
import { listPrivatePaths, listPublicPaths } from '../../src/platform/seo'
import { features } from '../../src/index'
import { composeRegistry, type NavItem } from '../../src/platform/feature'

const registry = composeRegistry(features)

describe('theme (issue 20: dark mode without a flash)', () => {
  it('no theme cookie: no data-theme, the stylesheet follows the system', async () => {
    const html = await (await request('/about')).text()
    expect(html).toMatch(/<html lang="en">/)
    expect(html).toContain('<meta name="color-scheme" content="light dark"/>')
  })

  it.each(['dark', 'light'] as const)('a %s cookie renders <html data-theme> on the server', async (theme) => {
    const html = await (await request('/about', { headers: { cookie: `theme=${theme}` } })).text()
    expect(html).toContain(`<html lang="en" data-theme="${theme}">`)
    expect(html).toContain(`<meta name="color-scheme" content="${theme}"/>`)
  })

  it('any other cookie value is ignored, never echoed into the page', async () => {
    const html = await (await request('/about', { headers: { cookie: 'theme="><script>x</script>' } })).text()
    expect(html).toMatch(/<html lang="en">/)
    expect(html).not.toContain('<script>x</script>')
  })
})

describe('the app shell (issue 20)', () => {
  it('signed-in pages get the sidebar from the registry, the current section marked, and the account menu', async () => {
    const user = await createTestUser({ verified: true })
    const html = await (await request('/usage', { headers: { cookie: await loginCookie(user.email) } })).text()
    expect(html).toContain('class="app-body"')
    const sidebar = html.slice(html.indexOf('id="app-sidebar"'), html.indexOf('</aside>'))
    for (const href of ['/dashboard', '/files', '/usage', '/settings/api-keys', '/billing']) expect(sidebar).toContain(`href="${href}"`)
    expect(sidebar).not.toContain('href="/admin"')
    expect(sidebar).toMatch(/<a class="menu-link is-active" href="\/usage" aria-current="page">/)
    const menu = html.slice(html.indexOf('class="account-menu"'), html.indexOf('</details>'))
    expect(menu).toContain(user.email)
    expect(menu).toContain('action="/logout"')
    expect(menu).toContain('href="/settings"')
    expect(html).toContain('<meta name="robots" content="noindex"/>')
  })

  it('public pages keep the marketing navbar, even for someone signed in', async () => {
    const user = await createTestUser({ verified: true })
    const html = await (await request('/about', { headers: { cookie: await loginCookie(user.email) } })).text()
    expect(html).toContain('class="site-body"')
    expect(html).not.toContain('id="app-sidebar"')
    expect(html).not.toContain('name="robots"')
  })

  it('the section is the longest matching sidebar entry; sub-pages get a trail back to it', () => {
    const items: NavItem[] = [
      { href: '/settings', label: 'Settings', audience: 'user', position: 'sidebar' },
      { href: '/settings/api-keys', label: 'API keys', audience: 'user', position: 'sidebar' },
      { href: '/admin', label: 'Admin', audience: 'admin', position: 'sidebar' },
    ]
    expect(findSection(items, '/settings/api-keys')?.label).toBe('API keys')
    expect(findSection(items, '/settings/sessions')?.label).toBe('Settings')
    expect(findSection(items, '/administrator')).toBeUndefined()
    expect(defaultCrumbs(findSection(items, '/admin/users/1'), '/admin/users/1', 'Jane')).toEqual([{ label: 'Admin', href: '/admin' }, { label: 'Jane' }])
    expect(defaultCrumbs(findSection(items, '/admin'), '/admin', 'Admin')).toEqual([{ label: 'Admin' }])
  })
})

describe('SEO (issue 20)', () => {
  it('a public page has its canonical address, Open Graph and Twitter tags on APP_URL', async () => {
    const html = await (await request('/pricing?interval=year')).text()
    expect(html).toContain('<link rel="canonical" href="http://localhost/pricing"/>')
    expect(html).toContain('<meta property="og:url" content="http://localhost/pricing"/>')
    expect(html).toContain('<meta property="og:image" content="http://localhost/vendor/og.png"/>')
    expect(html).toContain('<meta name="twitter:card" content="summary_large_image"/>')
    expect(html).toMatch(/<meta property="og:title" content="[^"]+"\/>/)
  })

  it('robots.txt keeps crawlers out of the app and points at the sitemap', async () => {
    const res = await request('/robots.txt')
    expect(res.status).toBe(200)
    const text = await res.text()
    for (const path of listPrivatePaths(registry.nav)) expect(text).toContain(`Disallow: ${path}\n`)
    expect(text).toContain('Disallow: /dashboard\n')
    expect(text).toContain('Sitemap: http://localhost/sitemap.xml')
  })

  it('sitemap.xml lists the public pages, each answering 200, and no app page', async () => {
    const res = await request('/sitemap.xml')
    expect(res.headers.get('content-type')).toContain('application/xml')
    const xml = await res.text()
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!)
    expect(locs).toEqual(listPublicPaths(registry.nav).map((p) => `http://localhost${p}`))
    expect(locs).toEqual(expect.arrayContaining(['http://localhost/', 'http://localhost/pricing', 'http://localhost/about']))
    for (const loc of locs) expect((await request(new URL(loc).pathname)).status, loc).toBe(200)
    expect(locs.some((loc) => /\/(dashboard|settings|admin|billing)\b/.test(loc))).toBe(false)
  })
})
