import type { Child } from 'hono/jsx'
import { jsxRenderer, useRequestContext } from 'hono/jsx-renderer'
import type { AppEnv, Viewer } from './types'
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

// On every page while the address is unverified (issue 4): the account works, but paid and file
// features stay locked until it is confirmed.
function VerifyEmailBanner({ email }: { email: string }) {
  return (
    <div class="container flash-container">
      <div class="notification is-warning is-light verify-banner" role="status">
        Please verify your email address <strong>{email}</strong>: we sent you a code and a link.{' '}
        <a href="/verify-email">Enter the code or get a new one</a>.
      </div>
    </div>
  )
}

function NavLinks({ viewer, path }: { viewer: Viewer | null; path: string }) {
  const link = (href: string, label: string) => (
    <a class={`navbar-item${path === href ? ' is-active' : ''}`} href={href} aria-current={path === href ? 'page' : undefined}>
      {label}
    </a>
  )
  return (
    <>
      <div class="navbar-start">
        {link('/', 'Home')}
        {link('/about', 'About')}
        {link('/contact', 'Contact')}
        {viewer && link('/dashboard', 'Dashboard')}
        {viewer?.role === 'admin' && link('/admin', 'Admin')}
      </div>
      <div class="navbar-end">
        {viewer ? (
          <>
            {link('/settings', 'Settings')}
            <div class="navbar-item">
              <form method="post" action="/logout">
                <button class="button is-light" type="submit">Log out</button>
              </form>
            </div>
          </>
        ) : (
          <div class="navbar-item">
            <div class="buttons">
              <a class="button is-primary" href="/signup"><strong>Sign up</strong></a>
              <a class="button is-light" href="/login">Log in</a>
            </div>
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
                <NavLinks viewer={viewer} path={c.req.path} />
              </div>
            </div>
          </nav>
        </header>
        <main id="main">
          {viewer && !viewer.emailVerified && c.req.path !== '/verify-email' && <VerifyEmailBanner email={viewer.email} />}
          {c.get('registry')?.banners.map((banner) => banner.render(c, viewer))}
          <div class="container flash-container" id="flash-region" aria-live="polite">
            <Notice kind={flash?.kind ?? 'info'} message={flash?.message} />
          </div>
          {props.children}
        </main>
        <footer class="footer">
          <div class="content has-text-centered">
            <p>
              <strong>{appName}</strong> · {appName === 'QuickScale Edge' ? 'a SaaS starter' : 'built with QuickScale Edge'} on Cloudflare Workers ·{' '}
              <a href="/about">About</a> · <a href="/contact">Contact</a>
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
