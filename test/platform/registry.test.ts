import { env } from 'cloudflare:workers'
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import wranglerToml from '../../wrangler.toml?raw'
import * as main from '../../src/index'
import { features } from '../../src/index'
import { createApp } from '../../src/platform/app'
import type { Feature } from '../../src/platform/feature'
import { ORIGIN } from '../helpers/http'
import { createTestUser, loginCookie } from '../auth/helpers'

// Development, so that development-only routes (the mail outbox) count as served too.
const devEnv = { ...env, ENVIRONMENT: 'development' }

async function fetchFrom(list: readonly Feature[], path: string, cookie?: string, method = 'GET'): Promise<Response> {
  const { worker } = createApp(list)
  const ctx = createExecutionContext()
  // A POST as a same-origin page sends it (the CSRF check answers before routing otherwise).
  const headers: Record<string, string> = { ...(cookie ? { cookie } : {}), ...(method === 'POST' ? { origin: ORIGIN, 'content-type': 'application/json' } : {}) }
  const res = await worker.fetch(new Request(new URL(path, ORIGIN), { method, headers, body: method === 'POST' ? '{}' : undefined, redirect: 'manual' }), devEnv, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

// Where each kind of entry shows: the public navbar's menu (not the brand link, which always leads home),
// its footer, and the app shell's sidebar and account menu.
const navOf = (html: string) => html.slice(html.indexOf('id="main-menu"'), html.indexOf('</nav>'))
const footerOf = (html: string) => html.slice(html.indexOf('<footer'), html.indexOf('</footer>'))
const sidebarOf = (html: string) => html.slice(html.indexOf('id="app-sidebar"'), html.indexOf('</aside>'))
const accountOf = (html: string) => html.slice(html.indexOf('class="account-menu"'), html.indexOf('</details>'))
const regionOf = (position: string | undefined) =>
  position === 'footer' ? footerOf : position === 'sidebar' ? sidebarOf : position === 'account' ? accountOf : navOf
const inAppShell = (position: string | undefined) => position === 'sidebar' || position === 'account'
// Plain GET routes a feature serves (no parameters), read from its router rather than listed by hand.
const plainPaths = (feature: Feature, method: string) =>
  [...new Set((feature.routes?.routes ?? []).filter((r) => r.method === method && !/[:*]/.test(r.path)).map((r) => r.path))]
const plainGetPaths = (feature: Feature) => plainPaths(feature, 'GET')

describe('the feature registry', () => {
  it('lists the features an app is made of, each with a distinct name', () => {
    expect(features.map((f) => f.name)).toEqual(expect.arrayContaining(['pages', 'auth', 'email', 'dashboard', 'admin']))
    expect(new Set(features.map((f) => f.name)).size).toBe(features.length)
  })

  describe.each(features.filter((f) => f.name !== 'auth').map((f) => [f.name, f] as const))('without %s', (_name, feature) => {
    const rest = features.filter((f) => f !== feature)

    it('its navbar and footer entries, dashboard cards and admin panels disappear', async () => {
      const admin = await createTestUser({ role: 'admin', verified: true })
      const cookie = await loginCookie(admin.email)
      const others = new Set(rest.flatMap((f) => (f.nav ?? []).map((n) => `${n.position ?? 'start'} ${n.href}`)))
      const mine = (feature.nav ?? []).filter((n) => !others.has(`${n.position ?? 'start'} ${n.href}`))
      const withIt = await (await fetchFrom(features, '/dashboard', cookie)).text()
      const without = await (await fetchFrom(rest, rest.some((f) => f.name === 'dashboard') ? '/dashboard' : '/settings', cookie)).text()
      // The public site's chrome, as the signed-in admin sees it (a missing page renders in the site shell).
      const siteWith = await (await fetchFrom(features, '/no-such-page', cookie)).text()
      const siteWithout = await (await fetchFrom(rest, '/no-such-page', cookie)).text()
      for (const item of mine) {
        const region = regionOf(item.position)
        const [withPage, withoutPage] = inAppShell(item.position) ? [withIt, without] : [siteWith, siteWithout]
        if (item.audience !== 'visitor') expect(region(withPage), `${item.position} ${item.href}`).toContain(`href="${item.href}"`)
        expect(region(withoutPage), `${item.position} ${item.href}`).not.toContain(`href="${item.href}"`)
      }
      for (const card of feature.dashboardCards ?? []) {
        expect(withIt).toContain(`<h2 class="title is-5">${card.title}</h2>`)
        expect(without).not.toContain(`<h2 class="title is-5">${card.title}</h2>`)
      }
      if ((feature.adminPanels ?? []).length > 0) {
        const adminWith = await (await fetchFrom(features, '/admin', cookie)).text()
        const adminWithout = await (await fetchFrom(rest, '/admin', cookie)).text()
        for (const panel of feature.adminPanels ?? []) {
          expect(adminWith).toContain(`id="panel-${panel.id}"`)
          expect(adminWithout).not.toContain(`id="panel-${panel.id}"`)
        }
      }
    })

    it('the pages that stay never show its sections or link to its pages (the home page included)', async () => {
      const admin = await createTestUser({ role: 'admin', verified: true })
      const cookie = await loginCookie(admin.email)
      const gone = plainGetPaths(feature).filter((p) => p !== '/' && !rest.some((f) => plainGetPaths(f).includes(p)))
      if (rest.some((f) => f.name === 'pages')) {
        const homeWith = await (await fetchFrom(features, '/')).text()
        const homeWithout = await fetchFrom(rest, '/')
        expect(homeWithout.status).toBe(200)
        const body = await homeWithout.text()
        for (const section of feature.homeSections ?? []) {
          expect(homeWith).toContain(`id="home-${section.id}"`)
          expect(body).not.toContain(`id="home-${section.id}"`)
        }
        // Nothing on the page leads to a page that is gone with the feature.
        for (const path of gone) expect(body, path).not.toContain(`href="${path}"`)
      }
      const dashboard = await fetchFrom(rest, rest.some((f) => f.name === 'dashboard') ? '/dashboard' : '/settings', cookie)
      const text = await dashboard.text()
      for (const path of gone) expect(text, path).not.toContain(`href="${path}"`)
    })

    it('its pages answer 404', async () => {
      const admin = await createTestUser({ role: 'admin', verified: true })
      const cookie = await loginCookie(admin.email)
      // A feature without pages of its own (passkeys: JSON endpoints and forms on settings) is checked on its POST routes.
      const method = plainGetPaths(feature).length > 0 ? 'GET' : 'POST'
      const paths = plainPaths(feature, method).filter((p) => !rest.some((f) => plainPaths(f, method).includes(p)))
      expect(paths.length).toBeGreaterThan(0)
      for (const path of paths) {
        expect((await fetchFrom(features, path, cookie, method)).status, path).not.toBe(404)
        expect((await fetchFrom(rest, path, cookie, method)).status, path).toBe(404)
      }
    })
  })

  // Admin's messages and mail sections show pages' and email's data: they go with those features.
  it.each([['pages', '/admin/messages', 'Messages'], ['email', '/admin/mail', 'Mail']])('without %s, admin has no %s section', async (name, path, tab) => {
    const admin = await createTestUser({ role: 'admin', verified: true })
    const cookie = await loginCookie(admin.email)
    const rest = features.filter((f) => f.name !== name)
    const tabsOf = (html: string) => html.slice(html.indexOf('aria-label="Admin sections"'), html.indexOf('</nav>', html.indexOf('aria-label="Admin sections"')))
    expect((await fetchFrom(features, path, cookie)).status).toBe(200)
    expect(tabsOf(await (await fetchFrom(features, '/admin', cookie)).text())).toContain(`<a href="${path}">${tab}</a>`)
    expect((await fetchFrom(rest, path, cookie)).status).toBe(404)
    const overview = await fetchFrom(rest, '/admin', cookie)
    expect(overview.status).toBe(200)
    expect(tabsOf(await overview.text())).not.toContain(`href="${path}"`)
  })

  it('without auth there is no session, no sign-in and no account links', async () => {
    const rest = features.filter((f) => f.name !== 'auth')
    const html = await (await fetchFrom(rest, '/')).text()
    expect(navOf(html)).not.toContain('href="/login"')
    expect(navOf(html)).not.toContain('href="/signup"')
    expect((await fetchFrom(rest, '/login')).status).toBe(404)
  })

  it('every Durable Object class a feature declares is exported by the Worker and bound in wrangler.toml', () => {
    const declared = features.flatMap((f) => f.durableObjects ?? []).sort()
    const bound = [...wranglerToml.matchAll(/^class_name\s*=\s*"(\w+)"/gm)].map((m) => m[1]).sort()
    expect(declared).toEqual(bound)
    for (const name of declared) expect(typeof (main as Record<string, unknown>)[name!]).toBe('function')
  })

  it('every queue wrangler.toml consumes has exactly one feature handling it', () => {
    const consumed = [...wranglerToml.matchAll(/\[\[queues\.consumers\]\]\s*\nqueue\s*=\s*"([^"]+)"/g)].map((m) => m[1]!).sort()
    const handled = features.flatMap((f) => Object.keys(f.queues ?? {})).sort()
    expect(handled).toEqual(consumed)
  })
})
