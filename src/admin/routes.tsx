import { Hono } from 'hono'
import type { Child } from 'hono/jsx'
import { requireAdmin } from '../auth'
import type { AppEnv } from '../platform/types'

interface LoadedPanel {
  id: string
  title: string
  content: Child
}

function AdminPage({ panels }: { panels: LoadedPanel[] }) {
  return (
    <section class="section">
      <div class="container">
        <h1 class="title">Admin</h1>
        <p class="subtitle">What each part of the app reports: users, messages, mail and more.</p>
        {panels.map((p) => (
          <section class="mt-5" aria-labelledby={`panel-${p.id}`}>
            <h2 class="title is-4" id={`panel-${p.id}`}>{p.title}</h2>
            {p.content}
          </section>
        ))}
      </div>
    </section>
  )
}

// Admin reads no other feature's tables: every figure is an adminPanel a feature declares
// (docs/decisions/0006-feature-registry.md). Loads run together; one failing panel says so and the
// rest still show.
export const adminRoutes = new Hono<AppEnv>().get('/admin', requireAdmin, async (c) => {
  c.header('Cache-Control', 'no-store')
  const panels = c.get('registry').adminPanels
  const results = await Promise.allSettled(panels.map((p) => p.load(c.get('db'), c.env)))
  const loaded = panels.map((p, i): LoadedPanel => {
    const r = results[i]!
    if (r.status === 'fulfilled') return { id: p.id, title: p.title, content: p.render(r.value) }
    c.get('log').error('admin panel failed', { panel: p.id, error: r.reason })
    return { id: p.id, title: p.title, content: <p class="help is-danger">This panel could not be loaded.</p> }
  })
  return c.render(<AdminPage panels={loaded} />, { title: 'Admin' })
})
