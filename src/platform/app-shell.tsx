import type { Child } from 'hono/jsx'
import { isInAudience, type AccountBadge, type NavItem } from './feature'
import type { Viewer } from './types'
import { Icon } from './icons'
import { BrandMark } from './site-shell'
import { ThemeSwitch, type Theme } from './theme'

/** One step of the trail above a signed-in page; the last one is the page itself (no link). */
export interface Crumb {
  label: string
  href?: string
}

/**
 * The sidebar entry a path belongs to: the longest `href` that is the path or a parent of it, so
 * /admin/users/42 belongs to Admin and /files/abc to Files.
 */
export function findSection(items: NavItem[], path: string): NavItem | undefined {
  return items
    .filter((item) => path === item.href || path.startsWith(item.href === '/' ? '/' : `${item.href}/`))
    .sort((a, b) => b.href.length - a.href.length)[0]
}

/** The trail a page gets unless it passes its own: its section, then its title when it is a sub-page. */
export function defaultCrumbs(section: NavItem | undefined, path: string, title: string): Crumb[] {
  if (!section) return [{ label: title }]
  if (section.href === path) return [{ label: section.label }]
  return [{ label: section.label, href: section.href }, { label: title }]
}

function initials(name: string, email: string): string {
  const words = (name.trim() || email).split(/[^\p{L}\p{N}]+/u).filter(Boolean)
  return words.slice(0, 2).map((w) => w[0]!.toUpperCase()).join('') || '?'
}

function SidebarLink({ item, current }: { item: NavItem; current: boolean }) {
  return (
    <li>
      <a class={`menu-link${current ? ' is-active' : ''}`} href={item.href} aria-current={current ? 'page' : undefined}>
        {item.icon && <Icon name={item.icon} />}
        <span>{item.label}</span>
      </a>
    </li>
  )
}

function AccountMenu({ viewer, items, badges, theme }: { viewer: Viewer; items: NavItem[]; badges: AccountBadge[]; theme: Theme | null }) {
  return (
    <details class="account-menu" x-data="disclosure" x-bind="root">
      <summary class="account-menu-trigger">
        <span class="avatar" aria-hidden="true">{initials(viewer.name, viewer.email)}</span>
        <span class="sr-only">Account menu: </span>
        <span class="account-menu-name">{viewer.name || viewer.email}</span>
        <Icon name="chevron-down" />
      </summary>
      <div class="account-menu-panel">
        <div class="account-menu-who">
          <p class="account-menu-fullname">{viewer.name || viewer.email}</p>
          <p class="account-menu-email">{viewer.email}</p>
          {badges.length > 0 && <p class="account-menu-badges">{badges.map((badge) => badge(viewer))}</p>}
        </div>
        <ul class="account-menu-links">
          {items.filter((item) => item.method !== 'post').map((item) => (
            <li><a class="dropdown-item" href={item.href}>{item.icon && <Icon name={item.icon} />}{item.label}</a></li>
          ))}
        </ul>
        <div class="account-menu-theme">
          <span>Theme</span>
          <ThemeSwitch theme={theme} />
        </div>
        {items.filter((item) => item.method === 'post').map((item) => (
          <form method="post" action={item.href} class="account-menu-form">
            <button type="submit" class="dropdown-item account-menu-action">{item.icon && <Icon name={item.icon} />}{item.label}</button>
          </form>
        ))}
      </div>
    </details>
  )
}

/**
 * Signed-in pages (issue 20): a sidebar of the app's sections from the registry, a top bar with the trail
 * and the account menu. Below 1024 px the sidebar is a drawer: the menu button opens it (public/components.js,
 * `appShell`); without script the button is a link to #app-sidebar and CSS's :target shows it.
 */
export function AppShell(props: {
  appName: string
  viewer: Viewer
  items: NavItem[]
  badges: AccountBadge[]
  path: string
  title: string
  crumbs?: Crumb[]
  theme: Theme | null
  before?: Child
  children?: Child
}) {
  const visible = props.items.filter((item) => isInAudience(item.audience, props.viewer))
  const sidebar = visible.filter((item) => item.position === 'sidebar')
  const account = visible.filter((item) => item.position === 'account')
  const section = findSection(sidebar, props.path)
  const crumbs = props.crumbs ?? defaultCrumbs(section, props.path, props.title)
  return (
    <div class="app-layout" x-data="appShell" x-bind="shell">
      <aside id="app-sidebar" class="app-sidebar" aria-label="App" x-bind="drawer">
        <div class="app-sidebar-head">
          <a class="brand-link" href="/"><BrandMark /><span>{props.appName}</span></a>
          <a class="app-drawer-close" href="#" aria-label="Close menu" x-bind="closeButton"><Icon name="x" /></a>
        </div>
        <nav class="menu app-menu" aria-label="Sections">
          <ul class="menu-list">
            {sidebar.map((item) => <SidebarLink item={item} current={item === section} />)}
          </ul>
        </nav>
      </aside>
      <a class="app-drawer-backdrop" href="#" tabindex={-1} aria-hidden="true" x-bind="backdrop"></a>
      <div class="app-main">
        <header class="app-topbar">
          <a class="app-menu-button" href="#app-sidebar" aria-controls="app-sidebar" aria-label="Open menu" x-bind="menuButton"><Icon name="menu" /></a>
          <nav class="breadcrumb app-breadcrumb" aria-label="Breadcrumb">
            <ul>
              {crumbs.map((crumb, i) => (
                <li class={i === crumbs.length - 1 ? 'is-active' : undefined}>
                  {crumb.href && i < crumbs.length - 1
                    ? <a href={crumb.href}>{crumb.label}</a>
                    : <a aria-current="page">{crumb.label}</a>}
                </li>
              ))}
            </ul>
          </nav>
          <AccountMenu viewer={props.viewer} items={account} badges={props.badges} theme={props.theme} />
        </header>
        <main id="main" class="app-content">
          {props.before}
          {props.children}
        </main>
      </div>
    </div>
  )
}
