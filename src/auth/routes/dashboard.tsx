import { Hono } from 'hono'
import type { AppEnv } from '../../platform/types'
import { requireUser } from '../guards'
import type { User } from '../schema'
import { UnverifiedBanner } from '../views/components'

// The areas later issues fill in; each card says what unlocks it.
function AreaCard({ title, href, text, locked }: { title: string; href: string; text: string; locked?: string }) {
  return (
    <div class="column is-one-third">
      <div class="card">
        <div class="card-content">
          <h2 class="title is-5">{title}</h2>
          <p>{text}</p>
          {locked ? <p class="help">{locked}</p> : <p><a href={href}>Open {title.toLowerCase()}</a></p>}
        </div>
      </div>
    </div>
  )
}

function DashboardPage({ user }: { user: User }) {
  const verified = user.emailVerifiedAt !== null
  const lock = verified ? undefined : 'Verify your email to unlock this.'
  return (
    <section class="section">
      <div class="container">
        <h1 class="title">Welcome, {user.name}</h1>
        <p class="subtitle">
          Signed in as {user.email}
          {verified ? <span class="tag is-success is-light ml-2">Email verified</span> : <span class="tag is-warning is-light ml-2">Email not verified</span>}
          {user.role === 'admin' && <span class="tag is-info is-light ml-2">Admin</span>}
        </p>
        {!verified && <UnverifiedBanner email={user.email} />}
        <div class="columns is-multiline">
          <AreaCard title="Billing" href="/billing" text="Your plan, invoices and payment method." locked={lock} />
          <AreaCard title="Files" href="/files" text="Upload and share files." locked={lock} />
          <AreaCard title="Settings" href="/settings" text="Your name, email, password and active sessions." />
          {user.role === 'admin' && <AreaCard title="Admin" href="/admin" text="Users, messages and system status." />}
        </div>
      </div>
    </section>
  )
}

export const dashboardRoutes = new Hono<AppEnv>().get('/dashboard', requireUser, (c) =>
  c.render(<DashboardPage user={c.get('user')!} />, { title: 'Dashboard' }),
)
