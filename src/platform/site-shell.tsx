import { isInAudience, type NavItem } from './feature'
import type { Viewer } from './types'
import { Icon } from './icons'
import { ThemeSwitch, type Theme } from './theme'

// The public site's chrome: a navbar with the marketing pages and the way in (sign up / log in, or the
// app for someone signed in), and a footer with its links and the theme switch. Signed-in pages use the
// app shell instead (app-shell.tsx). Entries come from the registry (ADR 0006); platform lays them out.

export function BrandMark() {
  return (
    <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect class="brand-mark-bg" width="32" height="32" rx="8" />
      <path class="brand-mark-fg" d="M9 17.5 14.5 8v8.5H23L17.5 24v-8.5z" />
    </svg>
  )
}

function navLink(item: NavItem, path: string) {
  const current = path === item.href
  return (
    <a class={`navbar-item${current ? ' is-active' : ''}`} href={item.href} aria-current={current ? 'page' : undefined}>
      {item.label}
    </a>
  )
}

function navButton(item: NavItem) {
  const kind = item.variant === 'button-primary' ? 'is-primary' : 'is-light'
  if (item.method === 'post') {
    return (
      <form method="post" action={item.href}>
        <button class={`button ${kind}`} type="submit">{item.label}</button>
      </form>
    )
  }
  return <a class={`button ${kind}`} href={item.href}>{item.label}</a>
}

export function SiteHeader({ appName, items, viewer, path }: { appName: string; items: NavItem[]; viewer: Viewer | null; path: string }) {
  const visible = items.filter((item) => isInAudience(item.audience, viewer))
  const start = visible.filter((item) => (item.position ?? 'start') === 'start')
  const end = visible.filter((item) => item.position === 'end')
  const endLinks = end.filter((item) => (item.variant ?? 'link') === 'link')
  const endButtons = end.filter((item) => (item.variant ?? 'link') !== 'link')
  return (
    <header class="site-header">
      <nav class="navbar site-navbar" aria-label="Main navigation">
        <div class="container">
          <div class="navbar-brand">
            <a class="navbar-item brand-link" href="/">
              <BrandMark />
              <span>{appName}</span>
            </a>
            <button type="button" class="navbar-burger" aria-label="Menu" aria-controls="main-menu" aria-expanded="false">
              <span aria-hidden="true"></span>
              <span aria-hidden="true"></span>
              <span aria-hidden="true"></span>
              <span aria-hidden="true"></span>
            </button>
          </div>
          <div id="main-menu" class="navbar-menu">
            <div class="navbar-start">{start.map((item) => navLink(item, path))}</div>
            <div class="navbar-end">
              {endLinks.map((item) => navLink(item, path))}
              {endButtons.length > 0 && (
                <div class="navbar-item">
                  <div class="buttons">{endButtons.map(navButton)}</div>
                </div>
              )}
            </div>
          </div>
        </div>
      </nav>
    </header>
  )
}

export function SiteFooter({ appName, items, viewer, theme }: { appName: string; items: NavItem[]; viewer: Viewer | null; theme: Theme | null }) {
  const links = items.filter((item) => item.position === 'footer' && isInAudience(item.audience, viewer))
  return (
    <footer class="site-footer">
      <div class="container">
        <div class="site-footer-top">
          <div class="site-footer-brand">
            <a class="brand-link" href="/"><BrandMark /><span>{appName}</span></a>
            <p>{appName === 'QuickScale Edge' ? 'A SaaS starter' : 'Built with QuickScale Edge'} on Cloudflare Workers.</p>
          </div>
          <nav aria-label="Footer">
            <ul class="site-footer-links">
              {links.map((item) => <li><a href={item.href}>{item.label}</a></li>)}
            </ul>
          </nav>
          <ThemeSwitch theme={theme} />
        </div>
        <p class="site-footer-note"><Icon name="shield-check" /> Security headers, CSRF checks and a strict CSP on every page.</p>
      </div>
    </footer>
  )
}
