import { Hono } from 'hono'
import type { AdminPanel } from '../platform/feature'
import type { AppEnv } from '../platform/types'
import { adminGate } from './http'
import { AdminFrame } from './views/common'
import { readsOnly } from '../platform/speculation'

/**
 * The overview: every feature's figures from `registry.adminPanels` (auth's users and sign-up chart,
 * email's mail today, pages' messages, and billing/usage/files once they land). All loads run at once
 * on the request's pool; a panel whose load fails shows that it failed instead of taking the page down.
 */
function Panel({ panel, data, failed }: { panel: AdminPanel; data: unknown; failed: boolean }) {
  return (
    <div class="column is-half-tablet is-full-mobile">
      <article class="box" aria-labelledby={`panel-${panel.id}`}>
        <h2 class="title is-5" id={`panel-${panel.id}`}>{panel.title}</h2>
        {failed ? <p class="has-text-danger-dark">These figures could not be loaded; see the logs.</p> : panel.render(data)}
      </article>
    </div>
  )
}

// Reads only (ADR 0106): every panel, filter and row comes from Postgres; on a warm isolate, one round trip.
export const overviewRoutes = new Hono<AppEnv>().get('/admin', readsOnly, ...adminGate, async (c) => {
  const panels = c.get('registry').adminPanels
  const now = new Date()
  const results = await Promise.allSettled(panels.map((p) => p.load(c.get('db'), c.env, now)))
  results.forEach((r, i) => {
    if (r.status === 'rejected') c.var.log.error('admin panel failed', { panel: panels[i]!.id, error: r.reason })
  })
  return c.render(
    <AdminFrame path="/admin" title="Admin" subtitle="How the product is doing today.">
      <div class="columns is-multiline">
        {panels.map((panel, i) => {
          const r = results[i]!
          return <Panel panel={panel} data={r.status === 'fulfilled' ? r.value : null} failed={r.status === 'rejected'} />
        })}
      </div>
    </AdminFrame>,
    { title: 'Admin' },
  )
})
