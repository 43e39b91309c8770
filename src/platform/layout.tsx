import type { Child } from 'hono/jsx'
import { jsxRenderer, useRequestContext } from 'hono/jsx-renderer'
import { assetUrl } from './assets'
import { renderOnce } from './render-once'
import type { AppContext, AppEnv } from './types'
import { Notice } from './components'
import { AppShell, type Crumb } from './app-shell'
import { SiteFooter, SiteHeader } from './site-shell'
import { readTheme } from './theme'

declare module 'hono' {
  interface ContextRenderer {
    (content: string | Promise<string>, props: PageProps): Response | Promise<Response>
  }
}

declare module './types' {
  interface AppVariables {
    /** `app`: render in the signed-in app shell (set by auth's guards for pages behind sign-in). */
    shell?: 'app'
  }
}

export interface PageProps {
  title: string
  description?: string
  /** The app shell's trail; by default the page's sidebar section, then its title. */
  breadcrumbs?: Crumb[]
  /** Keep out of search results (signed-in pages always are). */
  noindex?: boolean
}

/** The social-preview image, built from the app's name and tagline (scripts/og-image.mjs). */
export const OG_IMAGE = { path: '/vendor/og.png', width: 1200, height: 630 }

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

// The end of <head> is the same on every page: rendered to HTML once per isolate, not per request (issue 23).
// Alpine is not here: public/app.js loads it, with public/components.js, when the page has a component (ADR 0103). Files from public/ by
// their versioned URLs (assetUrl, ADR 0105).
const HEAD_ASSETS = renderOnce(
  <>
    <meta name="htmx-config" content={HTMX_CONFIG} />
    <link rel="icon" href={assetUrl('/favicon.svg')} type="image/svg+xml" />
    {/* As site.css's @font-face names it (unversioned, so not `immutable` in public/_headers): a preload
        only counts when the URL is the same. */}
    <link rel="preload" href="/vendor/fonts/inter-latin-wght-normal.woff2" as="font" type="font/woff2" crossorigin="anonymous" />
    <link rel="stylesheet" href={assetUrl('/vendor/site.css')} />
    <script src={assetUrl('/vendor/htmx.min.js')} defer></script>
    {/* app.js loads the components and Alpine itself, from these versioned URLs (ADR 0103, 0105). */}
    <script src={assetUrl('/app.js')} data-components-src={assetUrl('/components.js')} data-alpine-src={assetUrl('/vendor/alpine-csp.min.js')} defer></script>
  </>,
)

function Layout(props: PageProps & { children?: Child }) {
  const c = useRequestContext<AppEnv>()
  const appName = c.env.APP_NAME
  const viewer = c.get('viewer') ?? null
  const flash = c.get('flash') ?? null
  const registry = c.get('registry')
  const nav = registry?.nav ?? []
  const theme = readTheme(c)
  const before = (
    <>
      {(registry?.banners ?? []).map((banner) => banner.render(c, viewer))}
      <div class="container flash-container" id="flash-region" aria-live="polite">
        <Notice kind={flash?.kind ?? 'info'} message={flash?.message} />
      </div>
    </>
  )
  const inApp = c.get('shell') === 'app' && viewer !== null
  // SEO (issue 20): one canonical address per page on APP_URL's origin (no query string: filters and
  // tracking parameters are not pages of their own), and the same title and description for link previews.
  const origin = c.get('config').appOrigin
  const canonical = `${origin}${c.req.path}`
  const title = `${props.title} · ${appName}`
  const description = props.description ?? `${appName}: ship your SaaS on the edge.`
  return (
    // data-theme only when the visitor chose one (theme.tsx); otherwise the stylesheet follows the system.
    <html lang="en" data-theme={theme ?? undefined}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content={theme ?? 'light dark'} />
        <title>{title}</title>
        <meta name="description" content={description} />
        {(inApp || props.noindex) && <meta name="robots" content="noindex" />}
        <link rel="canonical" href={canonical} />
        <meta property="og:type" content="website" />
        <meta property="og:site_name" content={appName} />
        <meta property="og:title" content={title} />
        <meta property="og:description" content={description} />
        <meta property="og:url" content={canonical} />
        <meta property="og:image" content={`${origin}${OG_IMAGE.path}`} />
        <meta property="og:image:width" content={String(OG_IMAGE.width)} />
        <meta property="og:image:height" content={String(OG_IMAGE.height)} />
        <meta name="twitter:card" content="summary_large_image" />
        <meta name="twitter:title" content={title} />
        <meta name="twitter:description" content={description} />
        <meta name="twitter:image" content={`${origin}${OG_IMAGE.path}`} />
        {HEAD_ASSETS}
      </head>
      {inApp ? (
        <body class="app-body">
          <a class="skip-link" href="#main">Skip to content</a>
          <AppShell appName={appName} viewer={viewer} items={nav} badges={registry?.accountBadges ?? []} path={c.req.path} title={props.title} crumbs={props.breadcrumbs} theme={theme} before={before}>
            {props.children}
          </AppShell>
        </body>
      ) : (
        <body class="site-body">
          <a class="skip-link" href="#main">Skip to content</a>
          <SiteHeader appName={appName} items={nav} viewer={viewer} path={c.req.path} />
          <main id="main">
            {before}
            {props.children}
          </main>
          <SiteFooter appName={appName} items={nav} viewer={viewer} theme={theme} />
        </body>
      )}
    </html>
  )
}

/**
 * What the layout of a public page depends on for this request, as a key, or null when it depends on more:
 * someone signed in, a flash message, the app shell, or a banner with something to say to a visitor. With
 * the same key and the same content, a visitor's page is the same bytes (the home page renders it once per
 * isolate for each key: issue 23). Everything else the layout reads (the registry's nav, the head) is fixed
 * per isolate.
 */
export function visitorLayoutKey(c: AppContext): string | null {
  if (c.get('viewer') !== null || c.get('flash') !== null || c.get('shell') === 'app') return null
  const banners = c.get('registry')?.banners ?? []
  if (banners.some((banner) => !isEmptyChild(banner.render(c, null)))) return null
  return [readTheme(c) ?? '', c.env.APP_NAME, c.get('config').appOrigin, c.req.path].join('\n')
}

const isEmptyChild = (child: Child | null): boolean => child === null || child === undefined || child === false || child === ''

export const layoutRenderer = jsxRenderer<AppEnv>(({ children, ...props }) => (
  <Layout {...(props as PageProps)}>{children}</Layout>
), { docType: true })
