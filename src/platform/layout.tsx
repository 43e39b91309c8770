import type { Child } from 'hono/jsx'
import { jsxRenderer, useRequestContext } from 'hono/jsx-renderer'
import type { AppEnv, Viewer } from './types'
import { isInAudience, type NavItem } from './feature'
import { Notice } from './components'

declare module 'hono' {
  interface ContextRenderer {
    (content: string | Promise<string>, props: { title: string; description?: string }): Response | Promise<Response>
  }
}

// htmx 2 config (docs/decisions/0003-frontend-csp.md).
// - responseHandling: htmx 2 leaves 4xx/5xx unswapped by default; we swap them so validation (422)
//   and error fragments reach the user (renderError retargets non-form errors to #flash-region).
//   The last entry keeps htmx's catch-all for anything that is not a 3-digit status.
// - attributesToSettle without 'style': settling copies attributes with setAttribute, and a style
//   attribute set from script is an inline style our CSP (style-src 'self') refuses.
// - allowEval/allowScriptTags off and no injected indicator <style>: nothing the CSP would block.
const HTMX_CONFIG = JSON.stringify({
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  selfRequestsOnly: true,
  historyCacheSize: 0,
  attributesToSettle: ['class', 'width', 'height'],
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    // Expected answers that carry a form with its message, not errors worth htmx's console.error:
    // 422 (inline field errors), 401 (wrong email or password) and 429 ("Too many attempts…").
    { code: '401|422|429', swap: true },
    { code: '[45]..', swap: true, error: true },
    { code: '...', swap: false },
  ],
})

// The navbar is the registry's nav data (docs/decisions/0006-feature-registry.md): each feature says
// which entries it adds and who sees them; platform only lays them out.
function NavLinks({ items, viewer, path }: { items: NavItem[]; viewer: Viewer | null; path: string }) {
  const visible = items.filter((item) => isInAudience(item.audience, viewer))
  const link = (item: NavItem) => (
    <a class={`navbar-item${path === item.href ? ' is-active' : ''}`} href={item.href} aria-current={path === item.href ? 'page' : undefined}>
      {item.label}
    </a>
  )
  const button = (item: NavItem) => {
    const kind = item.variant === 'button-primary' ? 'is-primary' : 'is-light'
    if (item.method === 'post') {
      return (
        <form method="post" action={item.href}>
          <button class={`button ${kind}`} type="submit">{item.label}</button>
        </form>
      )
    }
    return <a class={`button ${kind}`} href={item.href}>{item.variant === 'button-primary' ? <strong>{item.label}</strong> : item.label}</a>
  }
  const start = visible.filter((item) => (item.position ?? 'start') === 'start')
  const end = visible.filter((item) => item.position === 'end')
  const endLinks = end.filter((item) => (item.variant ?? 'link') === 'link')
  const endButtons = end.filter((item) => (item.variant ?? 'link') !== 'link')
  return (
    <>
      <div class="navbar-start">{start.map(link)}</div>
      <div class="navbar-end">
        {endLinks.map(link)}
        {endButtons.length > 0 && (
          <div class="navbar-item">
            {endButtons.length === 1 ? button(endButtons[0]!) : <div class="buttons">{endButtons.map(button)}</div>}
          </div>
        )}
      </div>
    </>
  )
}

function Layout(props: { title: string; description?: string; children?: Child }) {
  const c = useRequestContext<AppEnv>()
  const appName = c.env.APP_NAME
  const viewer = c.get('viewer') ?? null
  const flash = c.get('flash') ?? null
  const registry = c.get('registry')
  return (
    // Light theme on purpose: Bulma follows prefers-color-scheme by default, but the navbar (is-white) and
    // the pricing band (has-background-light) are light by design, and under a dark OS setting the mix put
    // white titles on a light band (contrast failure). A real dark theme is a design task of its own.
    <html lang="en" data-theme="light">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <title>{`${props.title} · ${appName}`}</title>
        <meta name="description" content={props.description ?? `${appName}: ship your SaaS on the edge.`} />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/vendor/bulma.min.css" />
        <link rel="stylesheet" href="/app.css" />
        <script src="/vendor/htmx.min.js" defer></script>
        <script src="/app.js" defer></script>
        <script src="/vendor/alpine-csp.min.js" defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header>
          <nav class="navbar is-white has-shadow" aria-label="Main navigation" x-data="navbar">
            <div class="container">
              <div class="navbar-brand">
                <a class="navbar-item has-text-weight-bold" href="/">{appName}</a>
                <button
                  type="button"
                  class="navbar-burger"
                  aria-label="Menu"
                  aria-controls="main-menu"
                  aria-expanded="false"
                  x-bind="burger"
                >
                  <span aria-hidden="true"></span>
                  <span aria-hidden="true"></span>
                  <span aria-hidden="true"></span>
                  <span aria-hidden="true"></span>
                </button>
              </div>
              <div id="main-menu" class="navbar-menu" x-bind="menu">
                <NavLinks items={registry?.nav ?? []} viewer={viewer} path={c.req.path} />
              </div>
            </div>
          </nav>
        </header>
        <main id="main">
          {(registry?.banners ?? []).map((banner) => banner.render(c, viewer))}
          <div class="container flash-container" id="flash-region" aria-live="polite">
            <Notice kind={flash?.kind ?? 'info'} message={flash?.message} />
          </div>
          {props.children}
        </main>
        <footer class="footer">
          <div class="content has-text-centered">
            <p>
              <strong>{appName}</strong> · {appName === 'QuickScale Edge' ? 'a SaaS starter' : 'built with QuickScale Edge'} on Cloudflare Workers
              {(registry?.nav ?? []).filter((item) => item.position === 'footer' && isInAudience(item.audience, viewer)).map((item) => (
                <> · <a href={item.href}>{item.label}</a></>
              ))}
            </p>
          </div>
        </footer>
      </body>
    </html>
  )
}

export const layoutRenderer = jsxRenderer<AppEnv>(({ children, title, description }) => (
  <Layout title={title} description={description}>{children}</Layout>
), { docType: true })
