import type { Child } from 'hono/jsx'
import { useRequestContext } from 'hono/jsx-renderer'
import { hasFeature } from '../../platform/feature'
import type { AppEnv } from '../../platform/types'

// [href, label, the feature whose data the section shows (routes.ts answers 404 without it)]
const TABS: ReadonlyArray<readonly [string, string, string?]> = [
  ['/admin', 'Overview'],
  ['/admin/users', 'Users'],
  ['/admin/messages', 'Messages', 'pages'],
  ['/admin/mail', 'Mail', 'email'],
  ['/admin/audit', 'Audit log'],
]

/** The admin pages' frame: a title and the section tabs (scroll sideways on a phone). */
export function AdminFrame({ path, title, subtitle, children }: { path: string; title: string; subtitle?: string; children?: Child }) {
  const registry = useRequestContext<AppEnv>().get('registry')
  const tabs = TABS.filter(([, , needs]) => !needs || hasFeature(registry, needs))
  return (
    <section class="section">
      <div class="container">
        <h1 class="title">{title}</h1>
        {subtitle && <p class="subtitle">{subtitle}</p>}
        <nav class="tabs admin-tabs" aria-label="Admin sections">
          <ul>
            {tabs.map(([href, label]) => {
              const current = href === '/admin' ? path === '/admin' : path.startsWith(href)
              return <li class={current ? 'is-active' : undefined}><a href={href} aria-current={current ? 'page' : undefined}>{label}</a></li>
            })}
          </ul>
        </nav>
        {children}
      </div>
    </section>
  )
}

/**
 * A table that stays readable at 390 px: each cell carries its column name (`data-label`), and app.css
 * turns rows into stacked cards on narrow screens.
 */
export function StackedTable({ caption, head, children, id, class: extra }: { caption: string; head: string[]; children?: Child; id?: string; class?: string }) {
  return (
    // Focusable and named: a wide table that scrolls on a desktop stays reachable by keyboard (axe
    // scrollable-region-focusable).
    <div class={`table-container admin-table${extra ? ` ${extra}` : ''}`} tabindex={0} role="region" aria-label={caption}>
      <table class="table is-fullwidth is-striped is-hoverable" id={id}>
        <caption class="is-sr-only">{caption}</caption>
        <thead><tr>{head.map((h) => <th scope="col">{h}</th>)}</tr></thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  )
}

/** Previous/next links; with htmx they swap only the results (the route answers htmx with the fragment). */
export function Pager({ base, query, page, hasMore, target }: { base: string; query: URLSearchParams; page: number; hasMore: boolean; target: string }) {
  const href = (p: number) => {
    const q = new URLSearchParams(query)
    q.set('page', String(p))
    return `${base}?${q.toString()}`
  }
  if (page === 1 && !hasMore) return null
  return (
    <nav class="pagination is-small mt-4" aria-label="Pages">
      {page > 1 ? <a class="pagination-previous" href={href(page - 1)} hx-get={href(page - 1)} hx-target={target} hx-swap="outerHTML" hx-push-url="true">Previous</a> : <span />}
      {hasMore ? <a class="pagination-next" href={href(page + 1)} hx-get={href(page + 1)} hx-target={target} hx-swap="outerHTML" hx-push-url="true">Next</a> : <span />}
      <p class="pagination-list is-size-7">Page {page}</p>
    </nav>
  )
}

/** An htmx request for a fragment, not htmx restoring a page from history (that needs the whole page). */
export function wantsFragment(headers: { header: (name: string) => string | undefined }): boolean {
  return headers.header('hx-request') === 'true' && headers.header('hx-history-restore-request') !== 'true'
}
