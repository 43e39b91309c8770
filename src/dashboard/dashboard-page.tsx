import type { Child } from 'hono/jsx'
import { isInAudience, type DashboardCard } from '../platform/feature'
import type { AppContext, Viewer } from '../platform/types'

interface LoadedCard {
  card: DashboardCard
  content: Child
}

/**
 * The cards the listed features contribute, for this viewer. Their loads run together, so the page costs
 * one more database trip however many cards there are (issue 8's budget); a card whose load fails is
 * shown as unavailable rather than taking the whole dashboard down.
 */
export async function loadDashboardCards(c: AppContext, viewer: Viewer, now: Date): Promise<LoadedCard[]> {
  const cards = c.get('registry').dashboardCards.filter((card) => isInAudience(card.audience ?? 'user', viewer))
  const results = await Promise.allSettled(cards.map((card) => (card.load ? card.load(c.get('db'), viewer, c.env, now) : Promise.resolve(undefined))))
  return cards.map((card, i) => {
    const result = results[i]!
    if (result.status === 'fulfilled') return { card, content: card.render(result.value, viewer) }
    c.get('log').error('dashboard card failed', { card: card.id, error: result.reason })
    return { card, content: <p class="help is-danger">This card could not be loaded. Try again in a moment.</p> }
  })
}

function DashboardCardView({ title, children }: { title: string; children?: Child }) {
  return (
    <div class="column is-one-third-desktop is-half-tablet">
      <div class="card area-card">
        <div class="card-content">
          <h2 class="title is-5">{title}</h2>
          {children}
        </div>
      </div>
    </div>
  )
}

export function DashboardPage({ viewer, cards }: { viewer: Viewer; cards: LoadedCard[] }) {
  return (
    <section class="section">
      <div class="container">
        <h1 class="title">Welcome, {viewer.name}</h1>
        <p class="subtitle">
          Signed in as {viewer.email}
          {viewer.emailVerified ? <span class="tag is-success is-light ml-2">Email verified</span> : <span class="tag is-warning is-light ml-2">Email not verified</span>}
          {viewer.role === 'admin' && <span class="tag is-info is-light ml-2">Admin</span>}
        </p>
        <div class="columns is-multiline">
          {cards.map(({ card, content }) => <DashboardCardView title={card.title}>{content}</DashboardCardView>)}
        </div>
      </div>
    </section>
  )
}
